import Foundation
import GRDB
import ScalerCore
import Synchronization

/// The daemon's writable journal: one writer, WAL so that readers never block it.
public final class Journal: JournalStore {
    public let path: String
    public var location: String { path }
    /// One instance's file.
    public var isShared: Bool { false }
    let pool: DatabasePool
    /// The newest row this process wrote per endpoint: only these may be extended, so a restart
    /// always starts a new row and stays visible.
    private let newestRows = Mutex(NewestRows())
    private let holdWriteSeconds: Mutex<TimeInterval>

    /// `holdWriteInterval`: how long a hold run that repeats may go with its newest evaluations
    /// only in memory (0: every one is written). A run is written whole when it ends and at a stop;
    /// a crash loses at most this much of a run's repeats, never a row that says something new.
    public init(path: String, holdWriteInterval: TimeInterval = 0) throws(JournalError) {
        self.path = path
        holdWriteSeconds = Mutex(max(0, holdWriteInterval))
        var configuration = Configuration()
        configuration.label = "scalerd.journal"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
            try db.execute(sql: "PRAGMA cache_spill = \(Self.spillPages)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try JournalSchema.migrator.migrate(pool)
        } catch {
            throw JournalError(path: path, action: "open for writing", underlying: error)
        }
    }

    /// A busy tick at 10,000 endpoints dirties about 5,000 pages, far more than SQLite's 2 MB
    /// cache: spilled in mid-transaction, the pages every row touches (the table's tail, the
    /// `at` index, `decision_newest`) were written to the WAL again and again, 70-130 MB a tick
    /// where the tick changed 20 MB. Dirty pages now stay in memory up to this many (64 MB)
    /// and are freed at the commit; clean ones are still held to the default cache.
    static let spillPages = 16_384

    /// At thousands of endpoints a tick dirties a leaf of each per-endpoint index for every
    /// endpoint that decided something new, several megabytes of pages: a checkpoint every 4 MB of
    /// WAL (SQLite's default) copied the same pages into the file several times a tick. 32 MB
    /// copies each once every few ticks. A larger SQLite page cache saved a little more CPU
    /// but cost its size in RSS.
    static let checkpointPages = 8_000

    /// A reload may change it; runs already open are written by the new interval.
    public var holdWriteInterval: TimeInterval {
        get { holdWriteSeconds.withLock { $0 } }
        set { holdWriteSeconds.withLock { $0 = max(0, newValue) } }
    }

    /// One transaction per tick: either all endpoints' rows of it land, with the states the
    /// endpoints' next decisions start from, or none. A hold that repeats the endpoint's newest
    /// row extends it rather than adding a row: on disk once the run is `holdWriteInterval`
    /// behind, or at once with `completingHoldRuns` (a stop).
    public func append(_ entries: [JournalEntry], states: [EndpointState], completingHoldRuns: Bool) async throws(JournalError) {
        guard !entries.isEmpty || !states.isEmpty || completingHoldRuns else { return }
        let interval = holdWriteInterval
        do {
            try await pool.write { db in
                let saveState = try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO endpoint_state (endpoint, policy_version, saved_at, state) VALUES (?, ?, ?, ?)"
                )
                for state in states {
                    try saveState.execute(arguments: [state.endpoint, state.policyVersion, state.savedAt.timeIntervalSince1970, state.json])
                }
                var pass = try AppendPass(sink: SQLiteRowSink(db: db), chainEnd: Self.chainEnd(db), holdWriteInterval: interval)
                try self.newestRows.withLock { newest in
                    // By index through the buffer: an array's subscript, or any for-in, hands
                    // out a copy of the whole row.
                    try entries.withUnsafeBufferPointer { entries in
                        for index in entries.indices { try pass.record(entries[index], in: &newest) }
                    }
                    if completingHoldRuns { try pass.completeRuns(in: &newest) }
                }
            }
            newestRows.withLock { $0.committed() }
        } catch {
            newestRows.withLock { $0.rolledBack() }
            throw JournalError(path: path, action: "append \(entries.count) row(s)", underlying: error)
        }
    }

    static let insertSQL = """
        INSERT INTO decision (\(JournalEntry.insertedColumns.joined(separator: ", ")))
        VALUES (\(JournalEntry.insertedColumns.map { _ in "?" }.joined(separator: ", ")))
        """
    static let extendSQL = """
        UPDATE decision SET \((HashChain.extensionColumns + ["extension_hash"]).map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ? AND endpoint = ?
        """

    /// Deletes, oldest first, the rows that ended before `cutoff`: the only deletion the journal
    /// allows, recorded in `journal_prune` with the hash the chain continues from. Only a prefix
    /// can go, so a hold run still open since before the cutoff keeps every row after it.
    @discardableResult
    public func prune(before cutoff: Date, reason: String, at now: Date) async throws(JournalError) -> PruneResult {
        do {
            let result = try await pool.write { db in
                let firstKept = try Int64.fetchOne(db, sql: "SELECT min(id) FROM decision WHERE last_at >= ?", arguments: [cutoff.timeIntervalSince1970])
                let last = try Row.fetchOne(db, sql: """
                    SELECT id, hash FROM decision WHERE id < ? ORDER BY id DESC LIMIT 1
                    """, arguments: [firstKept ?? Int64.max])
                guard let last, let lastID: Int64 = last["id"], let lastHash: String = last["hash"] else {
                    return PruneResult(removedRows: 0, lastRemovedID: nil)
                }
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM decision WHERE id <= ?", arguments: [lastID]) ?? 0
                try db.execute(sql: """
                    INSERT INTO journal_prune (at, cutoff, removed_rows, last_removed_id, last_removed_hash, reason)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [now.timeIntervalSince1970, cutoff.timeIntervalSince1970, count, lastID, lastHash, reason])
                try db.execute(sql: "DELETE FROM decision WHERE id <= ?", arguments: [lastID])
                try db.execute(sql: "DELETE FROM pool_event WHERE at < ?", arguments: [cutoff.timeIntervalSince1970])
                return PruneResult(removedRows: count, lastRemovedID: lastID)
            }
            // A pruned row can no longer be extended: the next hold starts a new one.
            if let lastID = result.lastRemovedID {
                newestRows.withLock { $0.forget(upTo: lastID) }
            }
            return result
        } catch {
            throw JournalError(path: path, action: "prune rows before \(cutoff)", underlying: error)
        }
    }

    /// The hash the next row chains to: the newest row's, else what the last prune left, else
    /// the genesis hash.
    static func chainEnd(_ db: Database) throws -> String {
        if let newest = try String.fetchOne(db, sql: "SELECT hash FROM decision ORDER BY id DESC LIMIT 1") { return newest }
        return try String.fetchOne(db, sql: "SELECT last_removed_hash FROM journal_prune ORDER BY id DESC LIMIT 1") ?? HashChain.genesis
    }

    public func recordPolicyVersions(_ versions: [PolicyVersionRecord], at: Date) async throws(JournalError) {
        guard !versions.isEmpty else { return }
        do {
            try await pool.write { db in
                let insert = try db.cachedStatement(
                    sql: "INSERT OR IGNORE INTO policy_version (version, endpoint, first_seen, config) VALUES (?, ?, ?, ?)"
                )
                for record in versions {
                    try insert.execute(arguments: [record.version, record.endpoint, at.timeIntervalSince1970, record.configJSON])
                }
            }
        } catch {
            throw JournalError(path: path, action: "record \(versions.count) policy version(s)", underlying: error)
        }
    }

    public func recordPause(endpoint: String, paused: Bool, at time: Date) async throws(JournalError) {
        do {
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO endpoint_pause (at, endpoint, paused) VALUES (?, ?, ?)",
                               arguments: [time.timeIntervalSince1970, endpoint, paused])
            }
        } catch {
            throw JournalError(path: path, action: "record a pause", underlying: error)
        }
    }

    public func pausedEndpoints() throws(JournalError) -> Set<String> {
        do {
            return try pool.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT endpoint, paused FROM endpoint_pause
                    WHERE id IN (SELECT max(id) FROM endpoint_pause GROUP BY endpoint)
                    """)
                return Set(rows.filter { ($0.readable("paused") as Bool?) == true }.compactMap { $0.readable("endpoint") as String? })
            }
        } catch {
            throw JournalError(path: path, action: "read pauses", underlying: error)
        }
    }

    /// Caps the file at its current size plus `extraPages`, so that a test can make the disk
    /// "full" (SQLITE_FULL) and free it again (`nil`).
    func limitGrowth(extraPages: Int?) throws {
        try pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(extraPages.map { pages + $0 } ?? 1_073_741_823)")
        }
    }

    /// The WAL moved into the main file, so that a stopped daemon leaves one self-contained file.
    public func close() throws(JournalError) {
        try checkpoint()
    }

    public func checkpoint() throws(JournalError) {
        do {
            _ = try pool.writeWithoutTransaction { db in
                try db.checkpoint(.truncate)
            }
        } catch {
            throw JournalError(path: path, action: "checkpoint", underlying: error)
        }
    }
}

/// The full effective config behind one policy version.
public struct PolicyVersionRecord: Sendable, Hashable {
    public var version: String
    public var endpoint: String
    public var configJSON: String

    public init(version: String, endpoint: String, configJSON: String) {
        self.version = version
        self.endpoint = endpoint
        self.configJSON = configJSON
    }
}

public struct PruneResult: Sendable, Hashable {
    public var removedRows: Int
    public var lastRemovedID: Int64?

    package init(removedRows: Int, lastRemovedID: Int64?) {
        self.removedRows = removedRows
        self.lastRemovedID = lastRemovedID
    }
}

public struct JournalError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The journal could not be read or written: the file, the disk, the server.
        case failed
        /// A journal its group shares refused decisions of a lease's epoch that a later one has
        /// written after: a term this instance no longer leads.
        case staleEpoch = "stale_epoch"
    }

    public var path: String
    public var action: String
    public var message: String
    public var kind: Kind = .failed

    package init(path: String, action: String, message: String, kind: Kind = .failed) {
        self.path = path
        self.action = action
        self.message = message
        self.kind = kind
    }

    package init(path: String, action: String, underlying: Error) {
        self.path = path
        self.action = action
        if let databaseError = underlying as? DatabaseError {
            message = databaseError.message ?? "\(databaseError.resultCode)"
        } else {
            message = "\(underlying)"
        }
    }

    public var description: String { "journal \(path): cannot \(action): \(message)" }
}
