import Foundation
import GRDB
import GRDBSQLite
import ScalerCore
@testable import ScalerJournal
import Testing

@Suite struct JournalAtScale {
    @Test func theWriterCheckpointsEveryFewTicksOfThousandsOfEndpointsNotSeveralTimesATick() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        let writer = try await journal.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        let reader = try await journal.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(writer == Journal.checkpointPages)
        #expect(reader == 1000, "readers never checkpoint: they keep SQLite's default")
    }

    @Test func aTickOfThousandsOfEndpointsKeepsItsPagesInMemoryUntilTheCommit() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        let endpoints = (0..<8_000).map { "endpoint-\($0)" }
        for tick in 0..<2 {
            try await journal.append(endpoints.map { entry(endpoint: $0, at: Double(tick), desired: 2 + tick) })
        }
        _ = try await spilledPages(journal)
        // One tick with a new row for every endpoint, in another order than their rows so far:
        // more than a thousand pages, twice SQLite's default cache.
        try await journal.append(endpoints.reversed().map { entry(endpoint: $0, at: 2, desired: 9) })
        let spilled = try await spilledPages(journal)
        #expect(spilled == 0, "\(spilled) pages written to the WAL in mid-transaction, each to be written again at the commit")
    }

    /// Pages the writer spilled since the last call (`SQLITE_DBSTATUS_CACHE_SPILL`, reset on read).
    private func spilledPages(_ journal: Journal) async throws -> Int32 {
        try await journal.pool.writeWithoutTransaction { db in
            var current: Int32 = 0
            var highwater: Int32 = 0
            _ = sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_SPILL, &current, &highwater, 1)
            return current
        }
    }

    @Test func aRowReadsBackAsWrittenAndItsHashIsOfTheStoredValues() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        var written = entry(at: 1_800_000_000.25)
        written.drift = [SettingDrift(field: "max_replicas", live: "8", wanted: "4")]
        written.metricErrorKind = .timeout
        try await journal.append([written])
        let read = try #require(try JournalReader(path: path).entries(JournalQuery()).first)
        #expect(read.clamps == written.clamps)
        #expect(read.drift == written.drift)
        #expect(read.metricErrorKind == .timeout)
        #expect(read.at == written.at)
        let verification = try JournalReader(path: path).verify()
        #expect(verification.problem == nil)
        #expect(verification.rowsChecked == 1)
    }

    @Test func clampsAndDriftWithAnyTextReadBackAsWritten() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        let details = ["plain", "a/b \"quoted\" back\\slash", "line\nbreak\ttab", "é ü 日本", "", "-3"]
        var rows: [JournalEntry] = []
        for (index, detail) in details.enumerated() {
            var row = entry(endpoint: "e\(index)", at: 1_800_000_000 + Double(index))
            row.clamps = [Clamp(kind: .headroom, before: -1, after: Int.max, detail: detail), Clamp(kind: .budget, before: 0, after: 2, detail: "x")]
            row.drift = [SettingDrift(field: "idle_timeout", live: detail, wanted: "30")]
            rows.append(row)
        }
        try await journal.append(rows)
        let read = try JournalReader(path: path).entries(JournalQuery())
        #expect(read.map(\.clamps) == rows.map(\.clamps))
        #expect(read.map(\.drift) == rows.map(\.drift))
    }

    @Test func aRowWithAValueThisVersionDoesNotKnowIsAnErrorNamingItsColumn() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        try await Journal(path: path).append([entry(at: 1_800_000_000)])
        // Written by a newer scalerd, say: the triggers forbid changing a row, so drop them first.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER decision_append_only_update")
            try db.execute(sql: "UPDATE decision SET action = 'teleport'")
        }
        #expect {
            _ = try JournalReader(path: path).entries(JournalQuery())
        } throws: { error in
            "\(error)".contains("decision row 1: action has the value 'teleport', which this version does not know")
        }
    }

    @Test func streamedRowsComeOldestFirstOrGroupedByEndpoint() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        try await journal.append([entry(endpoint: "b", at: 10), entry(endpoint: "a", at: 20)])
        try await journal.append([entry(endpoint: "b", at: 30, desired: 4), entry(endpoint: "a", at: 40, desired: 4)])
        let reader = try JournalReader(path: path)
        var byTime: [String] = []
        try reader.forEachEntry(JournalQuery()) { byTime.append("\($0.endpoint)@\(Int($0.at.timeIntervalSince1970))") }
        #expect(byTime == ["b@10", "a@20", "b@30", "a@40"])
        var grouped: [String] = []
        try reader.forEachEntry(JournalQuery(), byEndpoint: true) { grouped.append("\($0.endpoint)@\(Int($0.at.timeIntervalSince1970))") }
        #expect(grouped == ["a@20", "a@40", "b@10", "b@30"])
    }

    @Test func statsReadInOnePassEqualStatsComputedFromEveryRow() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        // "a" decided before the range begins; its decision is in force at `from`.
        try await journal.append([entry(endpoint: "a", at: 100, desired: 2)])
        try await journal.append([entry(endpoint: "b", at: 250, desired: 3, outcome: .failed(kind: .timeout, message: "slow"))])
        try await journal.append([entry(endpoint: "a", at: 300, desired: 5), entry(endpoint: "b", at: 320, desired: 1, action: .scaleDown)])
        try await journal.append([entry(endpoint: "a", at: 400, desired: 5, action: .hold, outcome: .unchanged)])
        try await journal.append([entry(endpoint: "a", at: 410, desired: 5, action: .hold, outcome: .unchanged)])
        let reader = try JournalReader(path: path)
        let (from, to) = (Date(timeIntervalSince1970: 200), Date(timeIntervalSince1970: 500))
        let streamed = try reader.stats(endpoint: nil, from: from, to: to, controlled: .always)
        let all = try reader.entries(JournalQuery())
        let computed = EndpointStats.compute(all, from: from, to: to)
        #expect(streamed == computed)
        let a = try #require(streamed.first { $0.endpoint == "a" })
        #expect(a.secondsAtReplicas == [2: 100, 5: 200], "2 from the range's start until the scale-up at 300, then 5")
        #expect(a.evaluations == 3, "the scale-up and a hold run of two; the row before the range is not counted")
        #expect(try reader.stats(endpoint: "b", from: from, to: to, controlled: .always).map(\.endpoint) == ["b"])
    }
}
