import Foundation
import GRDB
import ScalerTestSupport
import Testing

/// `scalerd journal verify` and `prune`, run as an auditor and an operator run them.
@Suite struct JournalAuditCommands {
    @Test func verifyNamesARowEditedBehindScalerdsBack() async throws {
        let directory = try scratchDirectory("verify")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try await journalWithHistory(in: directory)

        let intact = try runScalerd(["journal", "verify", "--journal", path], in: directory)
        #expect(intact.status == 0, "\(intact.stderr)")
        #expect(intact.stdout == "\(path): intact, 4 row(s) checked\n")

        // Anyone who can write the file can drop the triggers and rewrite history...
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER decision_append_only_update")
            try db.execute(sql: "UPDATE decision SET desired = 40, reason = 'nothing to see' WHERE id = 3")
        }
        try queue.close()
        // ...but not without the chain saying where.
        let broken = try runScalerd(["journal", "verify", "--journal", path], in: directory)
        #expect(broken.status == 1)
        #expect(broken.stdout == "\(path): BROKEN at row 3: row 3 does not match its hash: what it records was changed (or it was written) after the fact\n")
    }

    @Test func pruneRemovesOldRowsRecordsItAndLeavesAVerifiableChain() async throws {
        let directory = try scratchDirectory("prune")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try await journalWithHistory(in: directory)

        let pruned = try runScalerd(["journal", "prune", "--journal", path, "--before", "1h"], in: directory)
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout == "\(path): removed 2 row(s), up to ID 2; the prune is recorded in journal_prune\n")
        let verified = try runScalerd(["journal", "verify", "--journal", path], in: directory)
        #expect(verified.stdout == "\(path): intact, 2 row(s) checked, continuing from 1 recorded prune(s)\n")

        let nothing = try runScalerd(["journal", "prune", "--journal", path, "--before", "2h"], in: directory)
        #expect(nothing.stdout.contains("nothing removed"))
        let bad = try runScalerd(["journal", "prune", "--journal", path, "--before", "last week"], in: directory)
        #expect(bad.status != 0 && bad.stderr.contains("--before 'last week' is neither a duration"))
    }
}
