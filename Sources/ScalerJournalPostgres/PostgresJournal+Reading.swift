import Foundation
import GRDB
import PostgresNIO
import ScalerJournal

extension PostgresJournal: JournalReading {
    public func entries(_ query: JournalQuery) async throws(JournalError) -> [JournalEntry] {
        let (conditions, binds) = Self.filter(query)
        let limit = query.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        return try await run("query") { connection in
            try await Self.rows("SELECT * FROM decision\(conditions) ORDER BY at DESC, id DESC\(limit)", binds, on: connection, logger: self.logger)
                .map(JournalEntry.init(row:)).reversed()
        }
    }

    public func forEachEntry(_ query: JournalQuery, byEndpoint: Bool, _ body: (JournalEntry) throws -> Void) async throws(JournalError) {
        let (conditions, binds) = Self.filter(query)
        let order = byEndpoint ? "endpoint, at, id" : "at, id"
        try await run("query") { connection in
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: "SELECT * FROM decision\(conditions) ORDER BY \(order)", binds: binds), logger: self.logger) {
                try body(JournalEntry(row: PostgresValues.row(row)))
            }
        }
    }

    public func entry(id: Int64) async throws(JournalError) -> JournalEntry? {
        try await run("read row \(id)") { connection in
            try await Self.rows("SELECT * FROM decision WHERE id = $1", Self.binds(id), on: connection, logger: self.logger).first.map(JournalEntry.init(row:))
        }
    }

    public func count() async throws(JournalError) -> Int {
        try await run("count") { connection in
            Int(try await Self.values("SELECT count(*) FROM decision", as: Int64.self, on: connection, logger: self.logger).first ?? 0)
        }
    }

    /// In one snapshot, so that rows the daemon appends meanwhile are neither half-seen nor
    /// taken for rows inserted after the fact.
    public func verify() async throws(JournalError) -> ChainVerification {
        try await run("verify") { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
            do {
                let result = try await Self.verify(on: connection, logger: self.logger)
                try await connection.query("COMMIT", logger: self.logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    private static func verify(on connection: PostgresConnection, logger: Logger) async throws -> ChainVerification {
        let prunes = try await Self.values("SELECT count(*) FROM journal_prune", as: Int64.self, on: connection, logger: logger).first ?? 0
        let lastPrune = try await rows("SELECT last_removed_id, last_removed_hash FROM journal_prune ORDER BY id DESC LIMIT 1", on: connection, logger: logger).first
        var walk = DecisionChainWalk(prunes: Int(prunes), lastRemovedHash: lastPrune?.readable("last_removed_hash"), lastRemovedID: lastPrune?.readable("last_removed_id"))
        var broken: ChainVerification?
        for try await row in try await connection.query("SELECT * FROM decision ORDER BY id", logger: logger) where broken == nil {
            let values = try PostgresValues.values(row)
            broken = walk.check { values[$0] ?? .null }
        }
        if let broken { return broken }
        let heads = try await rows("SELECT chain, last_id FROM journal_head", on: connection, logger: logger)
        let issued = Dictionary(try heads.map { (try $0.decode(String.self, forColumn: "chain"), try $0.decode(Int64.self, forColumn: "last_id")) }) { first, _ in first }
        var events = EventChainWalk()
        var eventsBroken = false
        for try await row in try await connection.query("SELECT * FROM daemon_event ORDER BY id", logger: logger) where !eventsBroken {
            eventsBroken = !events.check(try PostgresValues.row(row))
        }
        if !eventsBroken { events.finish(issued: issued["daemon_event"] ?? 0) }
        return walk.finish(issued: issued["decision"] ?? 0, events: events)
    }

    public func daemonEvents() async throws(JournalError) -> [DaemonEvent] {
        try await run("read daemon events") { connection in
            try await Self.rows("SELECT * FROM daemon_event ORDER BY id", on: connection, logger: self.logger).map(DaemonEvent.init(row:))
        }
    }

    public func newestEvaluation() async throws(JournalError) -> Date? {
        try await run("read the newest evaluation") { connection in
            (try await Self.values("SELECT max(last_at) FROM decision", as: Double?.self, on: connection, logger: self.logger).first ?? nil)
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    public func decisionsInForce(at instant: Date, endpoint: String?) async throws(JournalError) -> [JournalEntry] {
        var binds = Self.binds(instant.timeIntervalSince1970)
        var condition = "at <= $1::float8"
        if let endpoint {
            binds.append(endpoint)
            condition += " AND endpoint = $2"
        }
        return try await run("read the decisions in force at \(JournalFormatter.timestamp(instant))") { connection in
            try await Self.rows("""
                SELECT * FROM decision WHERE id IN (SELECT max(id) FROM decision WHERE \(condition) GROUP BY endpoint) ORDER BY endpoint
                """, binds, on: connection, logger: self.logger).map(JournalEntry.init(row:))
        }
    }

    /// Each endpoint's row in force at `from` read first in one query (a statement cannot run
    /// while the connection streams another's rows), then the window's rows in one pass.
    public func stats(endpoint: String?, from: Date, to: Date, controlled: ControlledTime) async throws(JournalError) -> [EndpointStats] {
        var inForce = Self.binds(from.timeIntervalSince1970)
        var window = Self.binds(from.timeIntervalSince1970, to.timeIntervalSince1970)
        var onlyInForce = ""
        var onlyInWindow = ""
        if let endpoint {
            inForce.append(endpoint)
            window.append(endpoint)
            onlyInForce = " AND endpoint = $2"
            onlyInWindow = " AND endpoint = $3"
        }
        let earlier = try await run("read stats") { connection in
            try await Self.rows("""
                SELECT DISTINCT ON (endpoint) * FROM decision WHERE at <= $1::float8\(onlyInForce) ORDER BY endpoint, at DESC, id DESC
                """, inForce, on: connection, logger: self.logger).map(JournalEntry.init(row:))
        }
        let earlierByEndpoint = Dictionary(earlier.map { ($0.endpoint, $0) }) { first, _ in first }
        var accumulator = EndpointStats.Accumulator(from: from, to: to, controlled: controlled)
        let query = "SELECT * FROM decision WHERE last_at >= $1::float8 AND at <= $2::float8\(onlyInWindow) ORDER BY endpoint, at, id"
        try await run("read stats") { connection in
            for try await pgRow in try await connection.query(PostgresQuery(unsafeSQL: query, binds: window), logger: self.logger) {
                let row = try JournalEntry(row: PostgresValues.row(pgRow))
                if accumulator.endpoint != row.endpoint, let earlier = earlierByEndpoint[row.endpoint],
                   earlier.id != row.id, (earlier.at, earlier.id ?? 0) < (row.at, row.id ?? 0) {
                    accumulator.add(earlier)
                }
                accumulator.add(row)
            }
        }
        return accumulator.finish()
    }

    static func filter(_ query: JournalQuery) -> (conditions: String, binds: PostgresBindings) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func add(_ condition: String, _ value: some PostgresNonThrowingEncodable) {
            binds.append(value)
            conditions.append(condition.replacingOccurrences(of: "?", with: "$\(conditions.count + 1)"))
        }
        if let endpoint = query.endpoint { add("endpoint = ?", endpoint) }
        // A run of holds overlaps the window if it ends after `since` and starts before `until`.
        if let since = query.since { add("last_at >= ?::float8", since.timeIntervalSince1970) }
        if let until = query.until { add("at <= ?::float8", until.timeIntervalSince1970) }
        if let action = query.action { add("action = ?", action.rawValue) }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), binds)
    }
}
