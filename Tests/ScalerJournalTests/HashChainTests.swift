import Foundation
import GRDB
import ScalerCore
import ScalerJournal
import Testing

/// Edits made behind scalerd's back, with a plain SQLite connection that first drops the
/// append-only triggers, as anyone with write access to the file could.
private func tamper(_ path: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        for trigger in ["decision_append_only_update", "decision_append_only_delete"] {
            try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger)")
        }
        try db.execute(sql: sql)
    }
}

@Suite struct HashChain {
    /// Six rows: five scale-ups and, last, a hold run of three evaluations.
    private func written() async throws -> String {
        let path = scratchPath()
        let journal = try Journal(path: path)
        for second in 0..<5 { try await journal.append(entry(at: Double(second) * 10, desired: 3 + second)) }
        for second in 5..<8 { try await journal.append(entry(at: Double(second) * 10, desired: 2, action: .hold, queueDelay: Double(second))) }
        return path
    }

    private func verify(_ path: String) throws -> ChainVerification {
        try JournalReader(path: path).verify()
    }

    @Test func aJournalWrittenByScalerdVerifies() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        let result = try verify(path)
        #expect(result.problem == nil)
        #expect(result.rowsChecked == 6)
    }

    @Test func aChangedRowIsNamed() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        try tamper(path, "UPDATE decision SET desired = 9 WHERE id = 3")
        let problem = try #require(try verify(path).problem)
        #expect(problem.rowID == 3 && problem.kind == .changed)
        #expect(problem.description == "row 3 does not match its hash: what it records was changed (or it was written) after the fact")
    }

    @Test func aStretchedHoldRunIsNamed() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        try tamper(path, "UPDATE decision SET repeats = 30 WHERE id = 6")
        let problem = try #require(try verify(path).problem)
        #expect(problem.rowID == 6 && problem.kind == .extensionChanged)
    }

    @Test func aRemovedRowIsNamedByTheRowAfterIt() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        try tamper(path, "DELETE FROM decision WHERE id = 2")
        let problem = try #require(try verify(path).problem)
        #expect(problem.rowID == 3 && problem.kind == .removed)
        #expect(problem.description == "rows before row 3 were removed: it is chained to a row that is no longer there (after row 1)")
    }

    @Test func removingTheNewestRowsIsSeenToo() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        try tamper(path, "DELETE FROM decision WHERE id >= 5")
        let problem = try #require(try verify(path).problem)
        #expect(problem.description == "the newest row(s), ids 5 to 6, were removed")
    }

    @Test func aMetricFailuresKindIsChainedWhenPresentAndRowsWithoutOneKeepTheirHash() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        var failed = entry(at: 90, desired: 2, action: .hold)
        failed.metricErrorKind = .unauthorized
        failed.metricError = "prometheus: answered 401"
        try await journal.append(failed)
        #expect(try verify(path).problem == nil, "the rows written before the kind existed still verify")
        let newest = try #require(try JournalReader(path: path).entries(JournalQuery()).last?.id)
        try tamper(path, "UPDATE decision SET metric_error_kind = 'timeout' WHERE id = \(newest)")
        #expect(try verify(path).problem?.rowID == newest)
        try tamper(path, "UPDATE decision SET metric_error_kind = NULL WHERE id = \(newest)")
        #expect(try verify(path).problem?.rowID == newest, "dropping the kind is a change too")
    }

    @Test func anInsertedRowIsNamedEvenWithAValidHashOfItsOwn() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        // A forger who copies row 6, hashes and all, under a new id.
        try tamper(path, """
            INSERT INTO decision SELECT 100, at, last_at, repeats, endpoint, provider, mode, policy_version, metric_status, metric_age,
              metric_error, queue_delay, queue_delay_estimated, queued, in_flight, ready_workers, current_replicas, raw_desired, desired,
              clamps, action, reason, drift, pushed, outcome, error_kind, error_message, provider_latency_ms, queue_delay_min, queue_delay_max,
              queued_min, queued_max, in_flight_min, in_flight_max, prev_hash, hash, extension_hash, metric_error_kind FROM decision WHERE id = 6
            """)
        let problem = try #require(try verify(path).problem)
        #expect(problem.rowID == 100 && problem.kind == .inserted, "\(problem)")
        #expect(problem.description == "row 100 was inserted after the fact: it is chained to the same row as row 6")
    }

    @Test func aPruneRemovesTheOldRowsSaysSoAndTheChainStillVerifies() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        let pruned = try await journal.prune(before: Date(timeIntervalSince1970: 25), reason: "test", at: Date(timeIntervalSince1970: 100))
        #expect(pruned.removedRows == 3 && pruned.lastRemovedID == 3)
        try await journal.append(entry(at: 90, desired: 5))
        let result = try verify(path)
        #expect(result.problem == nil && result.prunes == 1 && result.rowsChecked == 4)
        let refused = try rawWriteError(path: path, sql: "DELETE FROM decision WHERE id = 4")
        #expect(refused?.contains("only journal prune deletes") == true, "outside a prune, deletion is still refused")
    }

    @Test func aHoldRunThatWasPrunedIsNotExtendedButStartedAgain() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        try await journal.append(entry(at: 80, desired: 2, action: .hold))
        try await journal.prune(before: Date(timeIntervalSince1970: 1_000), reason: "test", at: Date(timeIntervalSince1970: 1_000))
        try await journal.append(entry(at: 90, desired: 2, action: .hold))
        let rows = try JournalReader(path: path).entries(JournalQuery())
        #expect(rows.count == 1 && rows[0].repeats == 1)
        #expect(try verify(path).problem == nil)
    }

    @Test func aJournalFromBeforeTheChainIsChainedWhenOpened() async throws {
        let path = try await written()
        defer { removeJournal(path) }
        // Re-opening runs no migration twice and keeps verifying.
        _ = try Journal(path: path)
        #expect(try verify(path).problem == nil)
    }
}
