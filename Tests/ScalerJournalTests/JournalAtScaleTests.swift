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
}

/// What was written reads back exactly, however it is read, on every backend.
@Suite(.postgres) struct JournalReadBack {
    @Test(arguments: JournalBackend.allCases)
    func aRowReadsBackAsWrittenAndItsHashIsOfTheStoredValues(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            var written = entry(at: 1_800_000_000.25)
            written.drift = [SettingDrift(field: "max_replicas", live: "8", wanted: "4")]
            written.metricErrorKind = .timeout
            try await journal.store.append([written])
            let read = try #require(try await journal.entries().first)
            #expect(read.clamps == written.clamps)
            #expect(read.drift == written.drift)
            #expect(read.metricErrorKind == .timeout)
            #expect(read.at == written.at)
            let verification = try await journal.verify()
            #expect(verification.problem == nil)
            #expect(verification.rowsChecked == 1)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func clampsAndDriftWithAnyTextReadBackAsWritten(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let details = ["plain", "a/b \"quoted\" back\\slash", "line\nbreak\ttab", "é ü 日本", "", "-3"]
            var rows: [JournalEntry] = []
            for (index, detail) in details.enumerated() {
                var row = entry(endpoint: "e\(index)", at: 1_800_000_000 + Double(index))
                row.clamps = [Clamp(kind: .headroom, before: -1, after: Int.max, detail: detail), Clamp(kind: .budget, before: 0, after: 2, detail: "x")]
                row.drift = [SettingDrift(field: "idle_timeout", live: detail, wanted: "30")]
                rows.append(row)
            }
            try await journal.store.append(rows)
            let read = try await journal.entries()
            #expect(read.map(\.clamps) == rows.map(\.clamps))
            #expect(read.map(\.drift) == rows.map(\.drift))
            #expect(try await journal.verify().problem == nil)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aRowWithAValueThisVersionDoesNotKnowIsAnErrorNamingItsColumn(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([entry(at: 1_800_000_000)])
            // Written by a newer scalerd, say: the rules forbid changing a row, so they go first.
            try await journal.tamper("UPDATE decision SET action = 'teleport'")
            let reader = try await journal.reader()
            await #expect {
                _ = try await reader.entries(JournalQuery())
            } throws: { error in
                "\(error)".contains("decision row 1: action has the value 'teleport', which this version does not know")
            }
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func streamedRowsComeOldestFirstOrGroupedByEndpoint(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([entry(endpoint: "b", at: 10), entry(endpoint: "a", at: 20)])
            try await journal.store.append([entry(endpoint: "b", at: 30, desired: 4), entry(endpoint: "a", at: 40, desired: 4)])
            let reader = try await journal.reader()
            var byTime: [String] = []
            try await reader.forEachEntry(JournalQuery()) { byTime.append("\($0.endpoint)@\(Int($0.at.timeIntervalSince1970))") }
            #expect(byTime == ["b@10", "a@20", "b@30", "a@40"])
            var grouped: [String] = []
            try await reader.forEachEntry(JournalQuery(), byEndpoint: true) { grouped.append("\($0.endpoint)@\(Int($0.at.timeIntervalSince1970))") }
            #expect(grouped == ["a@20", "a@40", "b@10", "b@30"])
            var since30: [String] = []
            try await reader.forEachEntry(JournalQuery(endpoint: "a", since: Date(timeIntervalSince1970: 30))) { since30.append("\($0.endpoint)@\(Int($0.at.timeIntervalSince1970))") }
            #expect(since30 == ["a@40"])
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func statsReadInOnePassEqualStatsComputedFromEveryRow(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let store = journal.store
            // "a" decided before the range begins; its decision is in force at `from`.
            try await store.append([entry(endpoint: "a", at: 100, desired: 2)])
            try await store.append([entry(endpoint: "b", at: 250, desired: 3, outcome: .failed(kind: .timeout, message: "slow"))])
            try await store.append([entry(endpoint: "a", at: 300, desired: 5), entry(endpoint: "b", at: 320, desired: 1, action: .scaleDown)])
            try await store.append([entry(endpoint: "a", at: 400, desired: 5, action: .hold, outcome: .unchanged)])
            try await store.append([entry(endpoint: "a", at: 410, desired: 5, action: .hold, outcome: .unchanged)])
            let reader = try await journal.reader()
            let (from, to) = (Date(timeIntervalSince1970: 200), Date(timeIntervalSince1970: 500))
            let streamed = try await reader.stats(endpoint: nil, from: from, to: to, controlled: .always)
            let all = try await reader.entries(JournalQuery())
            let computed = EndpointStats.compute(all, from: from, to: to)
            #expect(streamed == computed)
            let a = try #require(streamed.first { $0.endpoint == "a" })
            #expect(a.secondsAtReplicas == [2: 100, 5: 200], "2 from the range's start until the scale-up at 300, then 5")
            #expect(a.evaluations == 3, "the scale-up and a hold run of two; the row before the range is not counted")
            #expect(try await reader.stats(endpoint: "b", from: from, to: to, controlled: .always).map(\.endpoint) == ["b"])
        }
    }
}
