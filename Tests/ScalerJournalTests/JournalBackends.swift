import Foundation
import GRDB
import Logging
import PostgresNIO
import ScalerHA
@testable import ScalerJournal
import ScalerJournalPostgres
import ScalerTestSupport
import Synchronization
import Testing

/// Where a test's journal is kept: every test of the journal's behaviour runs on each.
enum JournalBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// A new, empty journal of this backend (a fresh file, or a fresh database on the suite's
    /// server), open for writing.
    func make(holdWriteInterval: TimeInterval = 0) async throws -> TestJournal {
        switch self {
        case .sqlite:
            return try TestJournal(sqlite: scratchPath(), holdWriteInterval: holdWriteInterval)
        case .postgres:
            guard let server = ThrowawayPostgres.shared else { throw PostgresUnavailableForJournal() }
            let database = "journal_\(UUID().uuidString.prefix(8).lowercased())"
            try await TestJournal.raw(server, database: server.database, "CREATE DATABASE \(database)")
            return try await TestJournal(postgres: server, database: database, holdWriteInterval: holdWriteInterval)
        }
    }
}

/// A test's journal and what the test does behind its back: raw SQL through a plain connection,
/// with the append-only rules in force or (to forge) switched off as an owner could.
final class TestJournal: Sendable {
    let backend: JournalBackend
    let store: any JournalStore
    private let path: String?
    private let server: ThrowawayPostgres?
    private let database: String?
    /// What the test opened besides `store`, closed with it: a PostgreSQL connection must be
    /// closed before it is dropped.
    private let opened = Mutex<[@Sendable () async -> Void]>([])

    init(sqlite path: String, holdWriteInterval: TimeInterval) throws {
        backend = .sqlite
        self.path = path
        (server, database) = (nil, nil)
        store = try Journal(path: path, holdWriteInterval: holdWriteInterval)
    }

    init(postgres server: ThrowawayPostgres, database: String, holdWriteInterval: TimeInterval) async throws {
        backend = .postgres
        (self.server, self.database, path) = (server, database, nil)
        store = try await PostgresJournal.open(Self.target(server, database), holdWriteInterval: holdWriteInterval, logger: Logger(label: "test"))
    }

    /// The SQLite journal's file (a precondition of SQLite-only tests).
    var sqlitePath: String { path! }

    /// The same journal opened again for writing, as a restarted daemon opens it.
    func reopened(holdWriteInterval: TimeInterval = 0) async throws -> any JournalStore {
        switch backend {
        case .sqlite: return try Journal(path: sqlitePath, holdWriteInterval: holdWriteInterval)
        case .postgres:
            let journal = try await PostgresJournal.open(Self.target(server!, database!), holdWriteInterval: holdWriteInterval, logger: Logger(label: "test"))
            opened.withLock { $0.append { await journal.close() } }
            return journal
        }
    }

    /// The same PostgreSQL journal opened for writing as another role.
    func opened(as username: String, password: String) async throws -> any JournalStore {
        var target = Self.target(server!, database!)
        (target.username, target.password) = (username, password)
        let journal = try await PostgresJournal.open(target, logger: Logger(label: "test"))
        opened.withLock { $0.append { await journal.close() } }
        return journal
    }

    /// A reader, as the CLI opens one.
    func reader() async throws -> any JournalReading {
        switch backend {
        case .sqlite: return try JournalReader(path: sqlitePath)
        case .postgres:
            let journal = try await PostgresJournal.reading(Self.target(server!, database!), logger: Logger(label: "test"))
            opened.withLock { $0.append { await journal.close() } }
            return journal
        }
    }

    func entries(_ query: JournalQuery = JournalQuery()) async throws -> [JournalEntry] {
        try await reader().entries(query)
    }

    func verify() async throws -> ChainVerification {
        try await reader().verify()
    }

    /// What the database says to `sql` run behind scalerd's back (nil: it was done).
    func rawWriteError(_ sql: String) async throws -> String? {
        switch backend {
        case .sqlite:
            do {
                try await DatabaseQueue(path: sqlitePath).write { try $0.execute(sql: sql) }
                return nil
            } catch let error as DatabaseError {
                return error.message
            }
        case .postgres:
            do {
                try await Self.raw(server!, database: database!, sql)
                return nil
            } catch {
                return PostgresFailure.describe(error)
            }
        }
    }

    /// `sql` run as a forger with the journal's owner rights would: the append-only rules off.
    func tamper(_ sql: String) async throws {
        switch backend {
        case .sqlite:
            try await DatabaseQueue(path: sqlitePath).write { db in
                for trigger in ["decision_append_only_update", "decision_append_only_delete", "daemon_event_append_only_update", "daemon_event_append_only_delete"] {
                    try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger)")
                }
                try db.execute(sql: sql)
            }
        case .postgres:
            try await Self.raw(Self.target(server!, database!), "SET session_replication_role = replica", sql)
        }
    }

    /// While on, the database refuses every new decision row: SQLite's file may not grow
    /// (SQLITE_FULL), PostgreSQL's table takes a constraint no row meets.
    func refuseWrites(_ refusing: Bool) async throws {
        switch (backend, refusing) {
        case (.sqlite, _): try (store as! Journal).limitGrowth(extraPages: refusing ? 0 : nil)
        case (.postgres, true): try await Self.raw(server!, database: database!, "ALTER TABLE decision ADD CONSTRAINT test_refuses CHECK (false) NOT VALID")
        case (.postgres, false): try await Self.raw(server!, database: database!, "ALTER TABLE decision DROP CONSTRAINT test_refuses")
        }
    }

    /// Whether `sql` fails on a connection made as the backend's reader makes one.
    func readerWriteFails(_ sql: String) async throws -> Bool {
        switch backend {
        case .sqlite:
            var configuration = Configuration()
            configuration.readonly = true
            do {
                try await DatabaseQueue(path: sqlitePath, configuration: configuration).write { try $0.execute(sql: sql) }
                return false
            } catch {
                return true
            }
        case .postgres:
            var target = Self.target(server!, database!)
            target.readOnly = true
            do {
                try await Self.raw(target, sql)
                return false
            } catch {
                return PostgresFailure.describe(error).contains("read-only transaction")
            }
        }
    }

    /// Rows of `sql` as the journal stores them, read behind its back.
    func rawRows(_ sql: String) async throws -> [Row] {
        switch backend {
        case .sqlite: return try DatabaseQueue(path: sqlitePath).read { try Row.fetchAll($0, sql: sql) }
        case .postgres: return try await Self.rawRows(server!, database: database!, sql)
        }
    }

    func remove() async {
        for close in opened.withLock({ $0 }) { await close() }
        try? await store.close()
        if let path { removeJournal(path) }
    }

    static func target(_ server: ThrowawayPostgres, _ database: String) -> PostgresTarget {
        PostgresTarget(host: "127.0.0.1", port: server.port, username: server.username, password: server.password, database: database, tls: .disable)
    }

    static func raw(_ server: ThrowawayPostgres, database: String, _ sql: String) async throws {
        try await raw(target(server, database), sql)
    }

    /// Rows of one statement, read as the journal reads them (PostgreSQL's binary format).
    static func rawRows(_ server: ThrowawayPostgres, database: String, _ sql: String) async throws -> [Row] {
        let session = try PostgresSession(target(server, database), connectTimeout: .seconds(5), logger: Logger(label: "test"))
        do {
            let rows = try await session.exclusively { connection in
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).collect()
            }
            await session.close()
            return try rows.map(PostgresValues.row)
        } catch {
            await session.close()
            throw error
        }
    }

    /// Each of `statements` in turn, on a connection of its own.
    static func raw(_ target: PostgresTarget, _ statements: String...) async throws {
        let session = try PostgresSession(target, connectTimeout: .seconds(5), logger: Logger(label: "test"))
        do {
            try await session.exclusively { connection in
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "test"))
                }
            }
            await session.close()
        } catch {
            await session.close()
            throw error
        }
    }
}

/// Runs `body` with a new journal of `backend`, removed afterwards.
func withJournal(_ backend: JournalBackend, holdWriteInterval: TimeInterval = 0, _ body: (TestJournal) async throws -> Void) async throws {
    let journal = try await backend.make(holdWriteInterval: holdWriteInterval)
    do {
        try await body(journal)
        await journal.remove()
    } catch {
        await journal.remove()
        throw error
    }
}

struct PostgresUnavailableForJournal: Error, CustomStringConvertible {
    var description: String { "this test needs the suite's PostgreSQL server: add the .postgres trait to its suite" }
}
