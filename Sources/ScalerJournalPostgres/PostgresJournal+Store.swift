import Foundation
import GRDB
import PostgresNIO
import ScalerJournal

extension PostgresJournal: JournalStore {
    public func append(_ entries: [JournalEntry], states: [EndpointState], completingHoldRuns: Bool) async throws(JournalError) {
        guard !entries.isEmpty || !states.isEmpty || completingHoldRuns else { return }
        let interval = holdWriteInterval
        do {
            try await run("append \(entries.count) row(s)") { connection in
                try await connection.withTransaction(logger: self.logger) { connection in
                    let head = try await Self.rows("SELECT last_id, last_hash FROM journal_head WHERE chain = 'decision' FOR UPDATE", on: connection, logger: self.logger)
                    guard let head = head.first else { throw JournalFault("journal_head has no row for the decision chain") }
                    let (lastID, lastHash): (Int64, String) = (try head.decode(forColumn: "last_id"), try head.decode(forColumn: "last_hash"))
                    try await self.save(states, on: connection)
                    let plan = try self.newestRows.withLock { newest in
                        var pass = AppendPass(sink: try PlannedRows(after: lastID), chainEnd: lastHash, holdWriteInterval: interval)
                        for entry in entries { try pass.record(entry, in: &newest) }
                        if completingHoldRuns { try pass.completeRuns(in: &newest) }
                        return pass.sink
                    }
                    for batch in plan.batches {
                        if batch.inserts { try await self.insert(batch.rows, on: connection) } else { try await self.extend(batch.rows, on: connection) }
                    }
                }
            }
            newestRows.withLock { $0.committed() }
        } catch {
            newestRows.withLock { $0.rolledBack() }
            throw error
        }
    }

    private func insert(_ rows: [[DatabaseValue]], on connection: PostgresConnection) async throws {
        try await Self.inBatches(rows, types: DecisionColumns.insertedTypes, on: connection, logger: logger) { values in
            "INSERT INTO decision (\(DecisionColumns.inserted.joined(separator: ", "))) VALUES \(values)"
        }
    }

    /// Each run's extension on its row, every one of which must be there: a run whose row is not
    /// (an undo that went wrong) fails the write rather than lose its evaluations without a word.
    private func extend(_ rows: [[DatabaseValue]], on connection: PostgresConnection) async throws {
        let columns = DecisionColumns.extended
        let assignments = columns.dropFirst(2).map { "\($0) = v.\($0)" }.joined(separator: ", ")
        try await Self.inBatches(rows, types: DecisionColumns.extendedTypes, on: connection, logger: logger, { values in
            """
            UPDATE decision AS d SET \(assignments)
            FROM (VALUES \(values)) AS v(\(columns.joined(separator: ", ")))
            WHERE d.id = v.id AND d.endpoint = v.endpoint RETURNING d.id
            """
        }, each: { answer, expected in
            let extended = try await answer.collect().count
            guard extended == expected else {
                throw JournalFault("\(expected - extended) open hold run(s) have no row to extend")
            }
        })
    }

    private func save(_ states: [EndpointState], on connection: PostgresConnection) async throws {
        // One row per endpoint in a statement: PostgreSQL will not update a row twice in one.
        var newest: [String: EndpointState] = [:]
        for state in states { newest[state.endpoint] = state }
        let rows = newest.values.map { state in
            [state.endpoint.databaseValue, state.policyVersion.databaseValue, state.savedAt.timeIntervalSince1970.databaseValue, state.json.databaseValue]
        }
        try await Self.inBatches(rows, types: [.text, .text, .double, .text], on: connection, logger: logger) { values in
            """
            INSERT INTO endpoint_state (endpoint, policy_version, saved_at, state) VALUES \(values)
            ON CONFLICT (endpoint) DO UPDATE SET policy_version = excluded.policy_version, saved_at = excluded.saved_at, state = excluded.state
            """
        }
    }

    @discardableResult
    public func prune(before cutoff: Date, reason: String, at now: Date) async throws(JournalError) -> PruneResult {
        let result = try await run("prune rows before \(cutoff)") { connection in
            try await connection.withTransaction(logger: self.logger) { connection in
                let edge = cutoff.timeIntervalSince1970
                // Held like an append, so that no row is added while the prefix is chosen.
                try await connection.query("SELECT last_id FROM journal_head WHERE chain = 'decision' FOR UPDATE", logger: self.logger)
                let last = try await Self.rows("""
                    SELECT id, hash FROM decision
                    WHERE id < coalesce((SELECT min(id) FROM decision WHERE last_at >= \(edge)::float8), 9223372036854775807)
                    ORDER BY id DESC LIMIT 1
                    """, on: connection, logger: self.logger).first
                guard let last else { return PruneResult(removedRows: 0, lastRemovedID: nil) }
                let (lastID, lastHash): (Int64, String) = (try last.decode(forColumn: "id"), try last.decode(forColumn: "hash"))
                let count = try await Self.values("SELECT count(*) FROM decision WHERE id <= \(lastID)", as: Int64.self, on: connection, logger: self.logger).first ?? 0
                try await connection.query("""
                    INSERT INTO journal_prune (at, cutoff, removed_rows, last_removed_id, last_removed_hash, reason)
                    VALUES (\(now.timeIntervalSince1970), \(edge), \(count), \(lastID), \(lastHash), \(reason))
                    """, logger: self.logger)
                try await connection.query("DELETE FROM decision WHERE id <= \(lastID)", logger: self.logger)
                try await connection.query("DELETE FROM pool_event WHERE at < \(edge)", logger: self.logger)
                return PruneResult(removedRows: Int(count), lastRemovedID: lastID)
            }
        }
        // A pruned row can no longer be extended: the next hold starts a new one.
        if let lastID = result.lastRemovedID {
            newestRows.withLock { $0.forget(upTo: lastID) }
        }
        return result
    }

    public func recordPolicyVersions(_ versions: [PolicyVersionRecord], at: Date) async throws(JournalError) {
        guard !versions.isEmpty else { return }
        let rows = versions.map { [$0.version.databaseValue, $0.endpoint.databaseValue, at.timeIntervalSince1970.databaseValue, $0.configJSON.databaseValue] }
        try await run("record \(versions.count) policy version(s)") { connection in
            try await Self.inBatches(rows, types: [.text, .text, .double, .text], on: connection, logger: self.logger) { values in
                "INSERT INTO policy_version (version, endpoint, first_seen, config) VALUES \(values) ON CONFLICT (version) DO NOTHING"
            }
        }
    }

    public func recordPause(endpoint: String, paused: Bool, at time: Date) async throws(JournalError) {
        try await run("record a pause") { connection in
            try await connection.query("INSERT INTO endpoint_pause (at, endpoint, paused) VALUES (\(time.timeIntervalSince1970), \(endpoint), \(paused))", logger: self.logger)
        }
    }

    public func pausedEndpoints() async throws(JournalError) -> Set<String> {
        try await run("read pauses") { connection in
            let rows = try await Self.values("""
                SELECT endpoint FROM endpoint_pause WHERE paused AND id IN (SELECT max(id) FROM endpoint_pause GROUP BY endpoint)
                """, as: String.self, on: connection, logger: self.logger)
            return Set(rows)
        }
    }

    @discardableResult
    public func record(_ event: DaemonEvent) async throws(JournalError) -> DaemonEvent {
        try await run("record a daemon \(event.event.rawValue)") { connection in
            try await connection.withTransaction(logger: self.logger) { connection in
                let head = try await Self.rows("SELECT last_id, last_hash FROM journal_head WHERE chain = 'daemon_event' FOR UPDATE", on: connection, logger: self.logger)
                guard let head = head.first else { throw JournalFault("journal_head has no row for the daemon events' chain") }
                let (lastID, lastHash): (Int64, String) = (try head.decode(forColumn: "last_id"), try head.decode(forColumn: "last_hash"))
                var row = try event.chained(after: lastHash)
                let id = try PlannedRows.next(after: lastID)
                row.id = id
                try await connection.query("""
                    INSERT INTO daemon_event (id, at, event, pid, version, config_version, tick, reason, detail, instance, prev_hash, hash)
                    VALUES (\(id), \(row.at.timeIntervalSince1970), \(row.event.rawValue), \(Int64(row.pid)), \(row.version),
                            \(row.configVersion), \(row.tick), \(row.reason), \(row.detail), \(row.instance), \(row.prevHash), \(row.hash))
                    """, logger: self.logger)
                return row
            }
        }
    }

    /// Instances that share it must each name themselves in their events.
    public var isShared: Bool { true }

    public func previousRun(instance: String?) async throws(JournalError) -> PreviousRun? {
        try await run("read how the last run ended") { connection in
            let own = "FROM daemon_event WHERE instance IS NOT DISTINCT FROM $1::text"
            var named = PostgresBindings()
            if let instance { named.append(instance) } else { named.appendNull() }
            let newest = try await Self.rows("SELECT * \(own) ORDER BY id DESC LIMIT 1", named, on: connection, logger: self.logger)
                .first.map(DaemonEvent.init(row:))
            let start = try await Self.rows("SELECT * \(own) AND event = 'start' ORDER BY id DESC LIMIT 1", named, on: connection, logger: self.logger)
                .first.map(DaemonEvent.init(row:))
            let since = start?.at.timeIntervalSince1970 ?? 0
            // The group's rows are its leaders': this instance's are those of the terms it led.
            var terms = ""
            if instance != nil {
                let led = try await Self.rows("SELECT * \(own) AND event = 'leadership' AND id >= \(start?.id ?? 0)", named, on: connection, logger: self.logger)
                    .map(DaemonEvent.init(row:)).compactMap { LeadershipDetail(detail: $0.detail) }.filter { $0.change == .acquired }.map(\.epoch)
                terms = " AND epoch IN (\(led.isEmpty ? "NULL" : led.map(String.init).joined(separator: ", ")))"
            }
            let newestOfTerms = PostgresQuery(unsafeSQL: "SELECT max(last_at) FROM decision WHERE last_at >= $1::float8\(terms)", binds: Self.binds(since))
            let last = (try await Self.values(newestOfTerms, as: Double?.self, on: connection, logger: self.logger).first ?? nil)
                .map(Date.init(timeIntervalSince1970:))
            return PreviousRun(newestEvent: newest, newestStart: start, lastEvaluation: last)
        }
    }

    public func endpointStates() async throws(JournalError) -> [EndpointState] {
        try await run("read endpoint states") { connection in
            try await Self.rows("SELECT endpoint, policy_version, saved_at, state FROM endpoint_state", on: connection, logger: self.logger).compactMap(EndpointState.init(row:))
        }
    }

    public func recordPoolEvent(_ record: PoolEventRecord) async throws(JournalError) {
        try await run("record a pool event") { connection in
            try await connection.query("""
                INSERT INTO pool_event (at, pool, event, instance_name, instance_id, operation_id, ambiguous, detail)
                VALUES (\(record.at.timeIntervalSince1970), \(record.pool), \(record.event.rawValue), \(record.instanceName),
                        \(record.instanceID), \(record.operationID), \(record.ambiguous), \(record.detail))
                """, logger: self.logger)
        }
    }

    public func poolEvents(since start: Date) async throws(JournalError) -> [PoolEventRecord] {
        try await run("read pool events") { connection in
            try await Self.rows("SELECT * FROM pool_event WHERE at >= $1 ORDER BY id", Self.binds(start.timeIntervalSince1970), on: connection, logger: self.logger)
                .map(PoolEventRecord.init(row:))
        }
    }

    static func binds(_ values: any PostgresNonThrowingEncodable...) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(value) }
        return binds
    }
}
