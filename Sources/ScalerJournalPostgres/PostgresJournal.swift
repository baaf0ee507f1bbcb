import Foundation
import GRDB
import Logging
import PostgresNIO
import ScalerHA
import ScalerJournal
import Synchronization

/// The journal in a PostgreSQL database: the same rows, hash chains and append-only rules as the
/// SQLite file, in one place that every instance, auditor and dashboard can read. One connection,
/// one statement sequence at a time; an append is one transaction that holds the chain's head.
public final class PostgresJournal: Sendable {
    /// The URL without a password, as errors and logs name the journal.
    public let location: String
    let session: PostgresSession
    let logger: Logger
    /// The newest row this process wrote per endpoint, as `Journal` keeps it.
    let newestRows = Mutex(NewestRows())
    private let holdWriteSeconds: Mutex<TimeInterval>

    /// A statement's parameters are at most 65,535; a batch of rows stays well under.
    static let rowsPerStatement = 1_000

    init(session: PostgresSession, location: String, holdWriteInterval: TimeInterval, logger: Logger) {
        self.session = session
        self.location = location
        self.logger = logger
        holdWriteSeconds = Mutex(max(0, holdWriteInterval))
    }

    /// The journal in `target`'s database, its schema made or brought up to date first: what the
    /// daemon writes to.
    public static func open(
        _ target: PostgresTarget, holdWriteInterval: TimeInterval = 0, connectTimeout: Duration = .seconds(5), logger: Logger
    ) async throws(JournalError) -> PostgresJournal {
        let journal = try make(target, holdWriteInterval: holdWriteInterval, connectTimeout: connectTimeout, logger: logger)
        do {
            try await journal.migrate()
        } catch {
            await journal.session.close()
            throw error
        }
        return journal
    }

    /// The journal in `target`'s database, read as it is: what the CLI reads, on a connection the
    /// server keeps read-only, so it never creates or changes anything.
    public static func reading(
        _ target: PostgresTarget, connectTimeout: Duration = .seconds(5), logger: Logger
    ) async throws(JournalError) -> PostgresJournal {
        var target = target
        target.readOnly = true
        let journal = try make(target, holdWriteInterval: 0, connectTimeout: connectTimeout, logger: logger)
        let present: Bool
        do {
            present = try await journal.run("open") { connection in
                try await Self.values("SELECT to_regclass('journal_head') IS NOT NULL", as: Bool.self, on: connection, logger: journal.logger).first ?? false
            }
        } catch {
            await journal.session.close()
            throw error
        }
        guard present else {
            await journal.session.close()
            throw JournalError(path: journal.location, action: "open", message: "no scalerd journal in this database (has the daemon run with this journal.url?)")
        }
        return journal
    }

    private static func make(_ target: PostgresTarget, holdWriteInterval: TimeInterval, connectTimeout: Duration, logger: Logger) throws(JournalError) -> PostgresJournal {
        let location = "postgres://\(target.username)@\(target.host):\(target.port)/\(target.database)"
        do {
            let session = try PostgresSession(target, connectTimeout: connectTimeout, logger: logger)
            return PostgresJournal(session: session, location: location, holdWriteInterval: holdWriteInterval, logger: logger)
        } catch {
            throw JournalError(path: location, action: "set up TLS", message: PostgresFailure.describe(error))
        }
    }

    public var holdWriteInterval: TimeInterval {
        get { holdWriteSeconds.withLock { $0 } }
        set { holdWriteSeconds.withLock { $0 = max(0, newValue) } }
    }

    /// Makes the tables, or brings them up to date, under a lock so that instances starting
    /// together migrate once. A journal already up to date is only read, so that a role granted
    /// rows and nothing more can use tables made ahead for it.
    func migrate() async throws(JournalError) {
        let names = PostgresJournalSchema.migrations.map(\.name)
        try await run("migrate the schema") { connection in
            guard try await !Self.applied(names, on: connection, logger: self.logger) else { return }
            try await connection.withTransaction(logger: self.logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresJournalSchema.migrationLock))", logger: self.logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS scalerd_journal_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: self.logger)
                let done = Set(try await Self.values("SELECT name FROM scalerd_journal_migration", as: String.self, on: connection, logger: self.logger))
                for migration in PostgresJournalSchema.migrations where !done.contains(migration.name) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await connection.query("INSERT INTO scalerd_journal_migration (name) VALUES (\(migration.name))", logger: self.logger)
                }
            }
        }
    }

    private static func applied(_ names: [String], on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let present = try await Self.values("SELECT to_regclass('scalerd_journal_migration') IS NOT NULL", as: Bool.self, on: connection, logger: logger).first ?? false
        guard present else { return false }
        let done = Set(try await Self.values("SELECT name FROM scalerd_journal_migration", as: String.self, on: connection, logger: logger))
        return names.allSatisfy(done.contains)
    }

    /// Runs `body` with the connection to itself, naming what failed in the server's words.
    @discardableResult
    func run<T>(_ action: String, _ body: (PostgresConnection) async throws -> T) async throws(JournalError) -> T {
        do {
            return try await session.exclusively(body)
        } catch let error as JournalError {
            throw error
        } catch {
            let kind: JournalError.Kind = PostgresFailure.sqlState(of: error) == PostgresJournalSchema.staleEpochState ? .staleEpoch : .failed
            throw JournalError(path: location, action: action, message: PostgresFailure.describe(error), kind: kind)
        }
    }

    /// Rows of `sql`, as GRDB rows for the records to decode.
    static func rows(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), on connection: PostgresConnection, logger: Logger) async throws -> [Row] {
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect().map(PostgresValues.row)
    }

    /// The first column of each row of `query`.
    static func values<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type, on connection: PostgresConnection, logger: Logger) async throws -> [T] {
        var values: [T] = []
        for try await value in try await connection.query(query, logger: logger).decode(T.self) { values.append(value) }
        return values
    }

    /// `rows` in batches of `rowsPerStatement`: `statement` gets a batch's `VALUES` list.
    static func inBatches(
        _ rows: [[DatabaseValue]], types: [PostgresColumnType], on connection: PostgresConnection, logger: Logger,
        _ statement: (String) -> String, each: (PostgresRowSequence, Int) async throws -> Void = { _, _ in }
    ) async throws {
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(start + rowsPerStatement, rows.count)]
            var binds = PostgresBindings(capacity: batch.count * types.count)
            for row in batch {
                for (value, type) in zip(row, types) { PostgresValues.bind(value, as: type, into: &binds) }
            }
            let sql = statement(PostgresValues.valuesList(rows: batch.count, types: types))
            try await each(try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger), batch.count)
            start += batch.count
        }
    }

    public func close() async {
        await session.close()
    }
}
