import Foundation
import GRDB

/// Read-only access for the CLI and auditors. Never writes, so it can run beside the daemon and
/// under another user without locking the daemon out of its own journal.
public struct JournalReader: JournalReading {
    public let path: String
    public var location: String { path }
    private let queue: DatabaseQueue

    public init(path: String) throws(JournalError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw JournalError(path: path, action: "open", underlying: NoJournal())
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "scalerd.journal.reader"
        configuration.busyMode = .timeout(5)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw JournalError(path: path, action: "open read-only", underlying: error)
        }
    }

    public func entries(_ query: JournalQuery) throws(JournalError) -> [JournalEntry] {
        do {
            return try queue.read { db in
                var request = Self.filtered(query).order(Column("at").desc, Column("id").desc)
                if let limit = query.limit { request = request.limit(limit) }
                return try request.fetchAll(db).reversed()
            }
        } catch {
            throw JournalError(path: path, action: "query", underlying: error)
        }
    }

    public func forEachEntry(_ query: JournalQuery, byEndpoint: Bool, _ body: (JournalEntry) throws -> Void) throws(JournalError) {
        do {
            try queue.read { db in
                var request = Self.filtered(query)
                request = byEndpoint
                    ? request.order(Column("endpoint"), Column("at"), Column("id"))
                    : request.order(Column("at"), Column("id"))
                let rows = try request.fetchCursor(db)
                while let entry = try rows.next() { try body(entry) }
            }
        } catch {
            throw JournalError(path: path, action: "query", underlying: error)
        }
    }

    private static func filtered(_ query: JournalQuery) -> QueryInterfaceRequest<JournalEntry> {
        var request = JournalEntry.all()
        if let endpoint = query.endpoint { request = request.filter(Column("endpoint") == endpoint) }
        // A run of holds overlaps the window if it ends after `since` and starts before `until`.
        if let since = query.since { request = request.filter(Column("last_at") >= since.timeIntervalSince1970) }
        if let until = query.until { request = request.filter(Column("at") <= until.timeIntervalSince1970) }
        if let action = query.action { request = request.filter(Column("action") == action.rawValue) }
        return request
    }

    public func entry(id: Int64) throws(JournalError) -> JournalEntry? {
        do {
            return try queue.read { db in try JournalEntry.fetchOne(db, key: id) }
        } catch {
            throw JournalError(path: path, action: "read row \(id)", underlying: error)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }

    public func verify() throws(JournalError) -> ChainVerification {
        do {
            return try queue.read { db in try ChainVerification.check(db) }
        } catch {
            throw JournalError(path: path, action: "verify", underlying: error)
        }
    }

    /// Nothing to let go of: the file is closed when the reader goes.
    public func close() async {}

    public func count() throws(JournalError) -> Int {
        do {
            return try queue.read { db in try JournalEntry.fetchCount(db) }
        } catch {
            throw JournalError(path: path, action: "count", underlying: error)
        }
    }
}

private struct NoJournal: Error, CustomStringConvertible {
    var description: String { "no such file (has the daemon run with this journal.path?)" }
}
