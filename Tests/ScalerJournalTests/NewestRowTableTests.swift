import Foundation
import GRDB
@testable import ScalerJournal
import Testing

/// The append-only trigger's "newest row of this endpoint", answered by `decision_newest`
/// (migration v8) rather than by an index with a leaf per endpoint.
@Suite struct NewestRowTable {
    @Test func theTriggerFindsAnEndpointsNewestRowInOneSeekOfASmallTable() throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        _ = try Journal(path: path)
        let (plan, indexes) = try DatabaseQueue(path: path).read { db in
            (try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM decision_newest WHERE endpoint = 'chat'").map { $0["detail"] as String },
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'decision'"))
        }
        #expect(plan.contains { $0.contains("SEARCH decision_newest USING PRIMARY KEY") }, "\(plan)")
        #expect(!indexes.contains("decision_endpoint_id"), "its leaves were a page written per new row: \(indexes)")
    }

    @Test func everyInsertMovesItsEndpointsPointerAndNoOther() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        try await journal.append([entry(endpoint: "chat", at: 1), entry(endpoint: "embed", at: 1)])
        try await journal.append([entry(endpoint: "chat", at: 2, desired: 4)])
        #expect(try newest(path) == ["chat": 3, "embed": 2])
    }

    @Test(arguments: [
        "UPDATE decision_newest SET id = 1 WHERE endpoint = 'chat'",
        "UPDATE decision_newest SET id = 3 WHERE endpoint = 'chat'",
        "UPDATE decision_newest SET endpoint = 'other' WHERE endpoint = 'chat'",
        "DELETE FROM decision_newest WHERE endpoint = 'chat'",
        "INSERT INTO decision_newest (endpoint, id) VALUES ('other', 1)",
    ])
    func noStatementCanPointAnEndpointAtAnythingButItsNewestRow(sql: String) async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let journal = try Journal(path: path)
        // Rows: 1 and 2 of "chat", 3 of "embed".
        try await journal.append([entry(endpoint: "chat", at: 1)])
        try await journal.append([entry(endpoint: "chat", at: 2, desired: 4)])
        try await journal.append([entry(endpoint: "embed", at: 3)])
        let message = try rawWriteError(path: path, sql: sql)
        #expect(message?.contains("append-only") == true, "\(sql): \(message ?? "accepted")")
        #expect(try newest(path) == ["chat": 2, "embed": 3])
    }

    @Test func aJournalFromBeforeTheTableGetsEachEndpointsNewestRowAndOnlyThatOneStaysExtendable() async throws {
        let path = scratchPath()
        defer { removeJournal(path) }
        let old = try DatabaseQueue(path: path)
        try JournalSchema.migrator.migrate(old, upTo: "v7-newest-row-index")
        try await old.write { db in
            for (second, endpoint) in ["chat", "embed", "chat", "embed", "chat"].enumerated() {
                try insertV1Decision(db, endpoint: endpoint, at: Double(second), action: .hold)
            }
        }
        try old.close()

        _ = try Journal(path: path)
        #expect(try newest(path) == ["chat": 5, "embed": 4])
        let extend = "UPDATE decision SET repeats = repeats + 1, last_at = last_at + 5 WHERE id = "
        #expect(try rawWriteError(path: path, sql: extend + "3")?.contains("append-only") == true, "an older hold of chat")
        #expect(try rawWriteError(path: path, sql: extend + "5") == nil, "chat's newest hold")
        #expect(try rawWriteError(path: path, sql: extend + "4") == nil, "embed's newest hold")
    }

    private func newest(_ path: String) throws -> [String: Int64] {
        let rows = try DatabaseQueue(path: path).read { db in try Row.fetchAll(db, sql: "SELECT endpoint, id FROM decision_newest") }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["endpoint"] as String, $0["id"] as Int64) })
    }
}
