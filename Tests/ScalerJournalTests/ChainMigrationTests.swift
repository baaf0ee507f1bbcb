import Foundation
import GRDB
@testable import ScalerJournal
import Testing

@Suite struct ChainMigration {
    @Test func rowsWrittenBeforeTheChainExistedAreChainedWhenTheJournalIsOpened() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let old = try DatabaseQueue(path: path)
        try JournalSchema.migrator.migrate(old, upTo: "v1-decisions")
        try await old.write { db in
            for second in 0..<3 { try insertV1Decision(db, at: Double(second)) }
        }
        try old.close()

        let journal = try Journal(path: path)
        try await journal.append(entry(at: 10))
        let reader = try JournalReader(path: path)
        let result = try reader.verify()
        #expect(result.problem == nil && result.rowsChecked == 4)
        #expect(try reader.entries(JournalQuery()).first?.reason == "old row", "the old rows are kept as they were")
    }
}
