import Foundation
import GRDB

extension JournalReader {
    /// Every daemon start, reload, stop and unclean end, oldest first (none in a journal written
    /// before they were recorded).
    public func daemonEvents() throws(JournalError) -> [DaemonEvent] {
        do {
            return try read { db in
                guard try db.tableExists("daemon_event") else { return [] }
                return try DaemonEvent.order(Column("id")).fetchAll(db)
            }
        } catch {
            throw JournalError(path: path, action: "read daemon events", underlying: error)
        }
    }

    /// When nobody was deciding, as of `now`.
    public func controlledTime(now: Date) throws(JournalError) -> ControlledTime {
        let events = try daemonEvents()
        guard !events.isEmpty else { return .always }
        let last: Double?
        do {
            last = try read { db in try Double.fetchOne(db, sql: "SELECT max(last_at) FROM decision") }
        } catch {
            throw JournalError(path: path, action: "read the newest evaluation", underlying: error)
        }
        return ControlledTime(events: events, lastEvaluation: last.map(Date.init(timeIntervalSince1970:)), now: now)
    }

    /// Each endpoint's decision in force at `instant` (its newest row made by then), or only
    /// `endpoint`'s.
    public func decisionsInForce(at instant: Date, endpoint: String? = nil) throws(JournalError) -> [JournalEntry] {
        do {
            return try read { db in
                var newest = JournalEntry.select(max(Column("id"))).filter(Column("at") <= instant.timeIntervalSince1970)
                if let endpoint { newest = newest.filter(Column("endpoint") == endpoint) }
                let ids = try Int64.fetchAll(db, newest.group(Column("endpoint")))
                return try JournalEntry.filter(keys: ids).order(Column("endpoint")).fetchAll(db)
            }
        } catch {
            throw JournalError(path: path, action: "read the decisions in force at \(JournalFormatter.timestamp(instant))", underlying: error)
        }
    }
}
