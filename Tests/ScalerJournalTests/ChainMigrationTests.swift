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
            for second in 0..<3 {
                try db.execute(sql: """
                    INSERT INTO decision (at, last_at, repeats, endpoint, provider, mode, policy_version, metric_status,
                      queue_delay_estimated, current_replicas, desired, clamps, action, reason, drift, pushed, outcome)
                    VALUES (?, ?, 1, 'chat', 'demo', 'enforce', 'v1', 'fresh', 0, 1, 2, '[]', 'scale_up', 'old row', '[]', 1, 'ok')
                    """, arguments: [Double(second), Double(second)])
            }
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
