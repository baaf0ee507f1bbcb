import Foundation
import GRDB
import Logging
import ScalerJournalPostgres
import ScalerTestSupport
import ScalerCore
import ScalerJournal
import Testing

func scratchPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-journal-\(UUID().uuidString).sqlite").path
}

func removeJournal(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

func entry(endpoint: String = "chat", at seconds: Double, desired: Int = 3, action: ScalingAction = .scaleUp,
           outcome: ActuationOutcome = .applied, queueDelay: Double = 6.5) -> JournalEntry {
    let now = Date(timeIntervalSince1970: seconds)
    let observation = Observation(
        metrics: .sample(MetricSample(takenAt: now, queueDelay: queueDelay, queued: 4, inFlight: 2, readyWorkers: 2)),
        currentReplicas: 2
    )
    let decision = Decision(
        at: now, currentReplicas: 2, metricStatus: .fresh, metricAge: 0.25, rawRecommendation: 5,
        clamps: [Clamp(kind: .stepLimit, before: 5, after: desired, detail: "scale_up.max_step=1")],
        desiredReplicas: desired, action: action, reason: "scale up 2 -> \(desired): test", nextState: ScalerState()
    )
    return JournalEntry(decision: decision, observation: observation, endpoint: endpoint, provider: "demo",
                        mode: "enforce", policyVersion: "v1", outcome: outcome, providerLatency: 0.0123)
}

/// A decision row as a journal of an older schema held it: only the v1 columns, no hashes.
func insertV1Decision(_ db: Database, endpoint: String = "chat", at seconds: Double, action: ScalingAction = .scaleUp) throws {
    let hold = action == .hold
    try db.execute(sql: """
        INSERT INTO decision (at, last_at, repeats, endpoint, provider, mode, policy_version, metric_status,
          queue_delay_estimated, current_replicas, desired, clamps, action, reason, drift, pushed, outcome)
        VALUES (?, ?, 1, ?, 'demo', 'enforce', 'v1', 'fresh', 0, 1, 2, '[]', ?, 'old row', '[]', ?, ?)
        """, arguments: [seconds, seconds, endpoint, action.rawValue, !hold, hold ? "unchanged" : "ok"])
}

/// What SQLite says to a write made behind scalerd's back, through a plain connection.
func rawWriteError(path: String, sql: String) throws -> String? {
    let queue = try DatabaseQueue(path: path)
    do {
        try queue.write { try $0.execute(sql: sql) }
        return nil
    } catch let error as DatabaseError {
        return error.message
    }
}

@Suite(.postgres) struct JournalRecords {
    @Test(arguments: JournalBackend.allCases)
    func everyFieldOfAnEvaluationRoundTrips(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let written = entry(at: 1_800_000_000.5, outcome: .failed(kind: .rateLimited, message: "429 retry after 3s"))
            try await journal.store.append(written)
            let read = try await journal.entries()
            #expect(read.count == 1)
            var expected = written
            expected.id = read[0].id
            // The journal adds the hash chain; everything the evaluation said comes back as written.
            #expect(read[0].prevHash == String(repeating: "0", count: 64) && read[0].hash?.count == 64 && read[0].extensionHash?.count == 64)
            (expected.prevHash, expected.hash, expected.extensionHash) = (read[0].prevHash, read[0].hash, read[0].extensionHash)
            #expect(read[0] == expected)
            #expect(read[0].clamps == [Clamp(kind: .stepLimit, before: 5, after: 3, detail: "scale_up.max_step=1")])
            #expect(read[0].errorKind == .rateLimited)
            #expect(read[0].pushed)
            #expect(read[0].providerLatencyMs == 12.3)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func queriesFilterByEndpointTimeAndAction(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([
                entry(endpoint: "a", at: 100), entry(endpoint: "b", at: 110),
                entry(endpoint: "a", at: 120, action: .hold), entry(endpoint: "a", at: 130, desired: 1, action: .scaleDown),
            ])
            let reader = try await journal.reader()
            #expect(try await reader.entries(JournalQuery(endpoint: "a")).map(\.at.timeIntervalSince1970) == [100, 120, 130])
            let window = try await reader.entries(JournalQuery(since: Date(timeIntervalSince1970: 110), until: Date(timeIntervalSince1970: 120)))
            #expect(window.map(\.at.timeIntervalSince1970) == [110, 120])
            #expect(try await reader.entries(JournalQuery(action: .scaleDown)).map(\.endpoint) == ["a"])
            #expect(try await reader.entries(JournalQuery(limit: 2)).map(\.at.timeIntervalSince1970) == [120, 130])
            #expect(try await reader.entry(id: 2)?.endpoint == "b")
            #expect(try await reader.entry(id: 99) == nil)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func rowsCannotBeUpdatedOrDeletedEvenWithRawSQL(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append(entry(at: 1))
            try await journal.store.recordPolicyVersion("v1", endpoint: "chat", configJSON: "{}", at: Date())
            try await journal.store.recordPause(endpoint: "chat", paused: true, at: Date())
            for sql in [
                "UPDATE decision SET desired = 99", "DELETE FROM decision", "UPDATE policy_version SET config = '{}'", "DELETE FROM policy_version",
                "UPDATE endpoint_pause SET paused = false", "DELETE FROM endpoint_pause",
            ] {
                let message = try await journal.rawWriteError(sql)
                #expect(message?.contains("append-only") == true, "\(sql): \(String(describing: message))")
            }
            #expect(try await journal.entries().first?.desired == 3)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aReaderSeesConsistentRowsWhileTheWriterAppends(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let store = journal.store
            try await store.append(entry(at: 0))
            let reader = try await journal.reader()
            let batches = 200
            let writer = Task {
                for batch in 1...batches {
                    // Three rows per transaction: a reader must never see part of one.
                    try await store.append((0..<3).map { entry(at: Double(batch * 10 + $0)) })
                }
            }
            var counts: [Int] = []
            while counts.last != 1 + 3 * batches {
                let count = try await reader.count()
                #expect((count - 1) % 3 == 0, "a transaction is seen whole or not at all")
                counts.append(count)
                try await Task.sleep(for: .milliseconds(1))
            }
            try await writer.value
            #expect(counts == counts.sorted())
            #expect(counts.count > 1)
            let verified = try await reader.verify()
            #expect(verified.problem == nil, "\(String(describing: verified.problem))")
        }
    }

    @Test func theSQLiteReaderNeverCreatesAJournal() throws {
        let path = scratchPath()
        #expect(throws: JournalError.self) { try JournalReader(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func thePostgresReaderNeverCreatesAJournal() async throws {
        let server = try #require(ThrowawayPostgres.shared)
        let database = "empty_\(UUID().uuidString.prefix(8).lowercased())"
        try await TestJournal.raw(server, database: server.database, "CREATE DATABASE \(database)")
        let error = await #expect(throws: JournalError.self) {
            _ = try await PostgresJournal.reading(TestJournal.target(server, database), logger: Logger(label: "test"))
        }
        #expect(error?.description.contains("no scalerd journal in this database") == true, "\(String(describing: error))")
        #expect(error?.description.contains(server.password) == false)
        let tables = try await TestJournal.rawRows(server, database: database, "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables.first?["n"] == 0)
    }

    @Test(arguments: JournalBackend.allCases)
    func theReaderCannotWrite(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append(entry(at: 1))
            #expect(try await journal.readerWriteFails("INSERT INTO policy_version VALUES ('x','y',0,'{}')"))
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func reopeningKeepsRowsAndSchema(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append(entry(at: 1))
            let reopened = try await journal.reopened()
            try await reopened.append(entry(at: 2))
            try await reopened.close()
            #expect(try await journal.reader().count() == 2)
            #expect(try await journal.verify().problem == nil)
        }
    }
}

@Suite struct JournalOutput {
    @Test func csvQuotesFieldsThatNeedIt() {
        var row = entry(at: 0)
        row.reason = "held, \"because\" of\nreasons"
        let csv = JournalFormatter.render([row], as: .csv)
        #expect(csv.contains("\"held, \"\"because\"\" of\nreasons\""))
        let plain = JournalFormatter.render([entry(at: 0)], as: .csv).split(separator: "\n")
        #expect(plain.count == 2)
        #expect(plain[0].split(separator: ",", omittingEmptySubsequences: false).count == plain[1].split(separator: ",", omittingEmptySubsequences: false).count)
    }

    @Test func jsonIsAnArrayOfRowsWithISOTimes() throws {
        let json = JournalFormatter.render([entry(at: 1_800_000_000)], as: .json)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["at"] as? String == "2027-01-15T08:00:00.000Z")
        #expect(parsed?.first?["desired"] as? Int == 3)
    }

    @Test func tableHasAHeaderAndOneLinePerRow() {
        let table = JournalFormatter.render([entry(at: 0), entry(at: 5)], as: .table)
        let lines = table.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID"))
    }
}
