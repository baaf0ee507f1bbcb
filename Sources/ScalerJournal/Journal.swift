import Foundation
import GRDB
import ScalerCore

/// The daemon's writable journal: one writer, WAL so that readers never block it.
public final class Journal: Sendable {
    public let path: String
    private let pool: DatabasePool

    public init(path: String) throws(JournalError) {
        self.path = path
        var configuration = Configuration()
        configuration.label = "scalerd.journal"
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try JournalSchema.migrator.migrate(pool)
        } catch {
            throw JournalError(path: path, action: "open for writing", underlying: error)
        }
    }

    public func append(_ entry: JournalEntry) async throws(JournalError) {
        try await append([entry])
    }

    /// One transaction per tick: either all endpoints' rows of it land, or none.
    public func append(_ entries: [JournalEntry]) async throws(JournalError) {
        guard !entries.isEmpty else { return }
        do {
            try await pool.write { db in
                for var entry in entries {
                    try entry.insert(db)
                }
            }
        } catch {
            throw JournalError(path: path, action: "append \(entries.count) row(s)", underlying: error)
        }
    }

    /// Records the full effective config behind a policy version, once.
    public func recordPolicyVersion(_ version: String, endpoint: String, configJSON: String, at: Date) async throws(JournalError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO policy_version (version, endpoint, first_seen, config) VALUES (?, ?, ?, ?)",
                    arguments: [version, endpoint, at.timeIntervalSince1970, configJSON]
                )
            }
        } catch {
            throw JournalError(path: path, action: "record policy version", underlying: error)
        }
    }

    /// Moves the WAL into the main file, so that a stopped daemon leaves one self-contained file.
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

public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var action: String
    public var message: String

    init(path: String, action: String, underlying: Error) {
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
