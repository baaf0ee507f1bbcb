import Foundation
import ScalerCore
@testable import ScalerJournal
import Testing

/// A steady endpoint is one row per run of identical holds, not one per tick, and still every
/// instant is answerable.
@Suite struct HoldRuns {
    private func hold(_ seconds: Double, desired: Int = 2, delay: Double = 1) -> JournalEntry {
        var row = entry(at: seconds, desired: desired, action: .hold, outcome: .unchanged, queueDelay: delay)
        row.currentReplicas = desired
        row.clamps = []
        return row
    }

    @Test func identicalHoldsBecomeOneRowWithTheRangeOfInputs() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        for (second, delay) in [(10.0, 1.0), (15, 3.5), (20, 0.5), (25, 2)] {
            try await journal.append(hold(second, delay: delay))
        }
        let rows = try JournalReader(path: path).entries(JournalQuery())
        #expect(rows.count == 1)
        #expect(rows[0].repeats == 4)
        #expect(rows[0].at.timeIntervalSince1970 == 10)
        #expect(rows[0].lastAt.timeIntervalSince1970 == 25)
        #expect(rows[0].queueDelay == 1)
        #expect(rows[0].queueDelayMin == 0.5)
        #expect(rows[0].queueDelayMax == 3.5)
    }

    @Test func anyChangeStartsANewRow() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        try await journal.append([hold(0), hold(5), hold(10, desired: 3), hold(15, desired: 3), entry(at: 20), hold(25, desired: 3)])
        let rows = try JournalReader(path: path).entries(JournalQuery())
        #expect(rows.map(\.repeats) == [2, 2, 1, 1])
        #expect(rows.map(\.action) == [.hold, .hold, .scaleUp, .hold])
    }

    @Test func aRestartedDaemonStartsANewRow() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        try await Journal(path: path).append([hold(0), hold(5)])
        try await Journal(path: path).append([hold(10), hold(15)])
        #expect(try JournalReader(path: path).entries(JournalQuery()).map(\.repeats) == [2, 2])
    }

    @Test func aTimeWindowFindsTheRunThatCoversIt() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        try await journal.append((0..<20).map { hold(Double($0) * 5) })
        let rows = try JournalReader(path: path).entries(JournalQuery(since: Date(timeIntervalSince1970: 42), until: Date(timeIntervalSince1970: 43)))
        #expect(rows.count == 1)
        #expect(rows.first?.repeats == 20)
    }

    /// Rows: 1, an old hold of "other"; 2, the open hold of "chat"; 3, a scale-up, newest of "other".
    @Test(arguments: [
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
    ])
    func theDatabaseRefusesEveryOtherUpdate(sql: String) async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        var oldHold = hold(0)
        oldHold.endpoint = "other"
        try await journal.append([oldHold])
        try await journal.append([hold(2)])
        try await journal.append([entry(endpoint: "other", at: 3)])
        let message = try rawWriteError(path: path, sql: sql)
        #expect(message?.contains("append-only") == true, "\(sql)")
    }

    @Test func theOneAllowedUpdateIsExtendingTheNewestHold() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        try await Journal(path: path).append([hold(0)])
        let message = try rawWriteError(path: path, sql: "UPDATE decision SET repeats = repeats + 1, last_at = last_at + 5, queue_delay_max = 9 WHERE id = 1")
        #expect(message == nil)
        #expect(try JournalReader(path: path).entries(JournalQuery()).first?.repeats == 2)
    }

    @Test func aRepeatingHoldIsOnDiskAtMostTheIntervalBehind() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path, holdWriteInterval: 10)
        var writesSeen = Set<Int>()
        for second in 0..<60 {
            try await journal.append([hold(Double(second))])
            let onDisk = try #require(try JournalReader(path: path).entries(JournalQuery()).first)
            #expect(onDisk.lastAt.timeIntervalSince1970 >= Double(second) - 10, "at \(second)s")
            writesSeen.insert(onDisk.repeats)
        }
        // Written about every 10 s, not every evaluation.
        #expect(writesSeen.count <= 8)
    }

    @Test func aRunIsWrittenWholeWhenItEnds() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path, holdWriteInterval: 60)
        for second in 0..<5 { try await journal.append([hold(Double(second))]) }
        try await journal.append([entry(at: 5)])
        let rows = try JournalReader(path: path).entries(JournalQuery())
        #expect(rows.map(\.repeats) == [5, 1])
        #expect(rows.first?.lastAt.timeIntervalSince1970 == 4)
        #expect(try JournalReader(path: path).verify().problem == nil)
    }

    @Test func aStopWritesEveryOpenRunWhole() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path, holdWriteInterval: 60)
        for second in 0..<5 {
            var other = hold(Double(second))
            other.endpoint = "other"
            try await journal.append([hold(Double(second)), other])
        }
        try await journal.append([], completingHoldRuns: true)
        let rows = try JournalReader(path: path).entries(JournalQuery())
        #expect(rows.map(\.repeats) == [5, 5])
        #expect(try JournalReader(path: path).verify().problem == nil)
    }

    @Test func aBufferedRunExtendsTheOpenRowByAllItsEvaluations() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        try await journal.append([hold(0, delay: 1)])
        // What a buffer kept while the journal refused writes: four holds as one row.
        var waited = hold(5, delay: 0.5)
        for (second, delay) in [(10.0, 4.0), (15, 2), (20, 1)] { waited = try #require(waited.absorbing(hold(second, delay: delay))) }
        try await journal.append([waited])
        let rows = try JournalReader(path: path).entries(JournalQuery())
        #expect(rows.map(\.repeats) == [5])
        #expect(rows.first?.lastAt.timeIntervalSince1970 == 20)
        #expect(rows.first?.queueDelayMin == 0.5)
        #expect(rows.first?.queueDelayMax == 4)
    }

    @Test(arguments: [0.0, 60])
    func aWriteThatFailsLeavesTheOpenRunsAsTheyWere(holdWriteInterval: Double) async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path, holdWriteInterval: holdWriteInterval)
        try await journal.append([hold(0)])
        // A tick whose new rows do not fit: the file may not grow (SQLITE_FULL).
        let tick = [hold(5)] + (0..<2_000).map { entry(endpoint: "other-\($0)", at: 5) }
        try journal.limitGrowth(extraPages: 0)
        await #expect(throws: JournalError.self) { try await journal.append(tick) }
        try journal.limitGrowth(extraPages: nil)
        try await journal.append(tick, completingHoldRuns: true)
        let chat = try JournalReader(path: path).entries(JournalQuery(endpoint: "chat"))
        #expect(chat.map(\.repeats) == [2], "the failed tick's hold is counted once")
        #expect(try JournalReader(path: path).verify().problem == nil)
    }

    /// The failed tick writes the run's evaluations kept in memory, then starts a new row after
    /// it: undoing both must give back the run, not the new row with the run's extent.
    @Test func aWriteThatFailsAfterEndingARunInMemoryKeepsThatRunsEvaluations() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path, holdWriteInterval: 60)
        try await journal.append([hold(0)])
        try await journal.append([hold(5)])
        let tick = [entry(at: 10, desired: 3)] + (0..<2_000).map { entry(endpoint: "other-\($0)", at: 10) }
        try journal.limitGrowth(extraPages: 0)
        await #expect(throws: JournalError.self) { try await journal.append(tick) }
        try journal.limitGrowth(extraPages: nil)
        try await journal.append(tick, completingHoldRuns: true)
        let chat = try JournalReader(path: path).entries(JournalQuery(endpoint: "chat"))
        #expect(chat.map(\.repeats) == [2, 1], "the hold at 5 s is on disk")
        #expect(chat.map(\.action) == [.hold, .scaleUp])
        #expect(try JournalReader(path: path).verify().problem == nil)
    }
}
