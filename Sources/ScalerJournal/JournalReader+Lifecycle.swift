import Foundation
import GRDB

extension JournalReader {
    /// None in a journal written before they were recorded.
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

    public func newestEvaluation() throws(JournalError) -> Date? {
        do {
            return try read { db in try Double.fetchOne(db, sql: "SELECT max(last_at) FROM decision") }.map(Date.init(timeIntervalSince1970:))
        } catch {
            throw JournalError(path: path, action: "read the newest evaluation", underlying: error)
        }
    }

    public func decisionsInForce(at instant: Date, endpoint: String?) throws(JournalError) -> [JournalEntry] {
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
