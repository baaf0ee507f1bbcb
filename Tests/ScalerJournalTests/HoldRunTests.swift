import Foundation
import ScalerCore
@testable import ScalerJournal
import Testing

/// A steady endpoint is one row per run of identical holds, not one per tick, and still every
/// instant is answerable.
@Suite(.postgres) struct HoldRuns {
    private func hold(_ seconds: Double, desired: Int = 2, delay: Double = 1) -> JournalEntry {
        var row = entry(at: seconds, desired: desired, action: .hold, outcome: .unchanged, queueDelay: delay)
        row.currentReplicas = desired
        row.clamps = []
        return row
    }

    @Test(arguments: JournalBackend.allCases)
    func identicalHoldsBecomeOneRowWithTheRangeOfInputs(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            for (second, delay) in [(10.0, 1.0), (15, 3.5), (20, 0.5), (25, 2)] {
                try await journal.store.append(hold(second, delay: delay))
            }
            let rows = try await journal.entries()
            #expect(rows.count == 1)
            #expect(rows[0].repeats == 4)
            #expect(rows[0].at.timeIntervalSince1970 == 10)
            #expect(rows[0].lastAt.timeIntervalSince1970 == 25)
            #expect(rows[0].queueDelay == 1)
            #expect(rows[0].queueDelayMin == 0.5)
            #expect(rows[0].queueDelayMax == 3.5)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func anyChangeStartsANewRow(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([hold(0), hold(5), hold(10, desired: 3), hold(15, desired: 3), entry(at: 20), hold(25, desired: 3)])
            let rows = try await journal.entries()
            #expect(rows.map(\.repeats) == [2, 2, 1, 1])
            #expect(rows.map(\.action) == [.hold, .hold, .scaleUp, .hold])
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aRestartedDaemonStartsANewRow(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([hold(0), hold(5)])
            try await journal.reopened().append([hold(10), hold(15)])
            #expect(try await journal.entries().map(\.repeats) == [2, 2])
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aTimeWindowFindsTheRunThatCoversIt(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append((0..<20).map { hold(Double($0) * 5) })
            let rows = try await journal.entries(JournalQuery(since: Date(timeIntervalSince1970: 42), until: Date(timeIntervalSince1970: 43)))
            #expect(rows.count == 1)
            #expect(rows.first?.repeats == 20)
        }
    }

    /// Rows: 1, an old hold of "other"; 2, the open hold of "chat"; 3, a scale-up, newest of "other".
    @Test(arguments: JournalBackend.allCases, [
        "UPDATE decision SET desired = 7 WHERE id = 2",
        "UPDATE decision SET reason = 'rewritten' WHERE id = 2",
        "UPDATE decision SET repeats = repeats + 1, last_at = last_at + 5, desired = 9 WHERE id = 2",
        "UPDATE decision SET repeats = repeats - 1 WHERE id = 2",
        "UPDATE decision SET repeats = repeats + 1, last_at = last_at - 100 WHERE id = 2",
        "UPDATE decision SET repeats = repeats + 1, queue_delay_max = 0 WHERE id = 2",
        // A comparison with NULL is NULL: before v9 these emptied a range unseen by the trigger.
        "UPDATE decision SET repeats = repeats + 1, queue_delay_min = NULL WHERE id = 2",
        "UPDATE decision SET repeats = repeats + 1, queued_max = NULL WHERE id = 2",
        "UPDATE decision SET repeats = repeats + 1, in_flight_min = NULL, in_flight_max = NULL WHERE id = 2",
        "UPDATE decision SET repeats = repeats + 1, last_at = last_at + 5 WHERE id = 3",
        "UPDATE decision SET repeats = repeats + 1, last_at = last_at + 5 WHERE id = 1",
        "UPDATE decision SET id = 20 WHERE id = 3",
        "UPDATE decision SET hash = 'x', repeats = repeats + 1 WHERE id = 2",
    ])
    func theDatabaseRefusesEveryOtherUpdate(_ backend: JournalBackend, sql: String) async throws {
        try await withJournal(backend) { journal in
            var oldHold = hold(0)
            oldHold.endpoint = "other"
            try await journal.store.append([oldHold])
            try await journal.store.append([hold(2)])
            try await journal.store.append([entry(endpoint: "other", at: 3)])
            let message = try await journal.rawWriteError(sql)
            #expect(message?.contains("append-only") == true, "\(sql): \(String(describing: message))")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func theOneAllowedUpdateIsExtendingTheNewestHold(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([hold(0)])
            let message = try await journal.rawWriteError("UPDATE decision SET repeats = repeats + 1, last_at = last_at + 5, queue_delay_max = 9 WHERE id = 1")
            #expect(message == nil)
            #expect(try await journal.entries().first?.repeats == 2)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aRepeatingHoldIsOnDiskAtMostTheIntervalBehind(_ backend: JournalBackend) async throws {
        try await withJournal(backend, holdWriteInterval: 10) { journal in
            var writesSeen = Set<Int>()
            for second in 0..<60 {
                try await journal.store.append([hold(Double(second))])
                let onDisk = try #require(try await journal.entries().first)
                #expect(onDisk.lastAt.timeIntervalSince1970 >= Double(second) - 10, "at \(second)s")
                writesSeen.insert(onDisk.repeats)
            }
            // Written about every 10 s, not every evaluation.
            #expect(writesSeen.count <= 8)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aRunIsWrittenWholeWhenItEnds(_ backend: JournalBackend) async throws {
        try await withJournal(backend, holdWriteInterval: 60) { journal in
            for second in 0..<5 { try await journal.store.append([hold(Double(second))]) }
            try await journal.store.append([entry(at: 5)])
            let rows = try await journal.entries()
            #expect(rows.map(\.repeats) == [5, 1])
            #expect(rows.first?.lastAt.timeIntervalSince1970 == 4)
            #expect(try await journal.verify().problem == nil)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aStopWritesEveryOpenRunWhole(_ backend: JournalBackend) async throws {
        try await withJournal(backend, holdWriteInterval: 60) { journal in
            for second in 0..<5 {
                var other = hold(Double(second))
                other.endpoint = "other"
                try await journal.store.append([hold(Double(second)), other])
            }
            try await journal.store.append([], states: [], completingHoldRuns: true)
            let rows = try await journal.entries()
            #expect(rows.map(\.repeats) == [5, 5])
            #expect(try await journal.verify().problem == nil)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aBufferedRunExtendsTheOpenRowByAllItsEvaluations(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([hold(0, delay: 1)])
            // What a buffer kept while the journal refused writes: four holds as one row.
            var waited = hold(5, delay: 0.5)
            for (second, delay) in [(10.0, 4.0), (15, 2), (20, 1)] { waited = try #require(waited.absorbing(hold(second, delay: delay))) }
            try await journal.store.append([waited])
            let rows = try await journal.entries()
            #expect(rows.map(\.repeats) == [5])
            #expect(rows.first?.lastAt.timeIntervalSince1970 == 20)
            #expect(rows.first?.queueDelayMin == 0.5)
            #expect(rows.first?.queueDelayMax == 4)
        }
    }

    /// Several ticks kept by a buffer and written at once, each extending the run again: the
    /// run's row ends as the last of them says, once.
    @Test(arguments: JournalBackend.allCases)
    func manyExtensionsOfOneRunInOneWriteLeaveItsLatestExtent(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let run: [JournalEntry] = (0..<6).map { hold(Double($0) * 5, delay: Double($0)) }
            let after: [JournalEntry] = [7.0, 8].map { hold($0 * 5) }
            try await journal.store.append(run + [entry(at: 30)] + after)
            let rows = try await journal.entries()
            #expect(rows.map(\.repeats) == [6, 1, 2])
            #expect(rows.first?.queueDelayMax == 5)
            #expect(try await journal.verify().problem == nil)
        }
    }

    @Test(arguments: JournalBackend.allCases, [0.0, 60])
    func aWriteThatFailsLeavesTheOpenRunsAsTheyWere(_ backend: JournalBackend, holdWriteInterval: Double) async throws {
        try await withJournal(backend, holdWriteInterval: holdWriteInterval) { journal in
            try await journal.store.append([hold(0)])
            // A tick whose new rows the database refuses (a full disk, a lost server).
            let tick = [hold(5)] + (0..<2_000).map { entry(endpoint: "other-\($0)", at: 5) }
            try await journal.refuseWrites(true)
            await #expect(throws: JournalError.self) { try await journal.store.append(tick) }
            try await journal.refuseWrites(false)
            try await journal.store.append(tick, states: [], completingHoldRuns: true)
            let chat = try await journal.entries(JournalQuery(endpoint: "chat"))
            #expect(chat.map(\.repeats) == [2], "the failed tick's hold is counted once")
            #expect(try await journal.verify().problem == nil)
        }
    }

    /// The failed tick writes the run's evaluations kept in memory, then starts a new row after
    /// it: undoing both must give back the run, not the new row with the run's extent.
    @Test(arguments: JournalBackend.allCases)
    func aWriteThatFailsAfterEndingARunInMemoryKeepsThatRunsEvaluations(_ backend: JournalBackend) async throws {
        try await withJournal(backend, holdWriteInterval: 60) { journal in
            try await journal.store.append([hold(0)])
            try await journal.store.append([hold(5)])
            let tick = [entry(at: 10, desired: 3)] + (0..<2_000).map { entry(endpoint: "other-\($0)", at: 10) }
            try await journal.refuseWrites(true)
            await #expect(throws: JournalError.self) { try await journal.store.append(tick) }
            try await journal.refuseWrites(false)
            try await journal.store.append(tick, states: [], completingHoldRuns: true)
            let chat = try await journal.entries(JournalQuery(endpoint: "chat"))
            #expect(chat.map(\.repeats) == [2, 1], "the hold at 5 s is on disk")
            #expect(chat.map(\.action) == [.hold, .scaleUp])
            #expect(try await journal.verify().problem == nil)
        }
    }
}
