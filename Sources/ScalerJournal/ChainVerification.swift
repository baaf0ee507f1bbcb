import Foundation
import GRDB
import ScalerCore

/// What `scalerd journal verify` found walking the hash chain.
public struct ChainVerification: Sendable {
    public var rowsChecked: Int
    /// Prunes recorded in the journal; the chain continues from the last one's hash.
    public var prunes: Int
    /// The first row where the chain breaks, `nil` when intact.
    public var problem: ChainProblem?
    /// Spans in which evaluations were made but could not be recorded (the journal refused
    /// writes past its buffer; nothing was acted on then), each as its gap row says.
    public var gaps: [JournalGap] = []
    /// Daemon starts, reloads and stops checked in their own chain.
    public var eventsChecked = 0

    static func check(_ db: Database) throws -> ChainVerification {
        let prunes = try Int.fetchOne(db, sql: "SELECT count(*) FROM journal_prune") ?? 0
        let lastPrune = try Row.fetchOne(db, sql: "SELECT last_removed_id, last_removed_hash FROM journal_prune ORDER BY id DESC LIMIT 1")
        var expected: String = lastPrune?["last_removed_hash"] ?? HashChain.genesis
        var previous: (id: Int64, prevHash: String)?
        var checked = 0
        var gaps: [JournalGap] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM decision ORDER BY id")
        // Every row has the same columns: their positions are looked up once, not per value.
        var columns: [String: Int] = [:]
        while let row = try rows.next() {
            checked += 1
            if columns.isEmpty { columns = Dictionary(row.columnNames.enumerated().map { ($1, $0) }) { first, _ in first } }
            let id: Int64 = row["id"]
            let value = { (column: String) -> DatabaseValue in columns[column].map { row[$0] } ?? .null }
            guard let prevHash: String = row["prev_hash"], let hash: String = row["hash"],
                  HashChain.rowHash(previous: prevHash, value: value) == hash else {
                return ChainVerification(rowsChecked: checked, prunes: prunes, problem: ChainProblem(
                    rowID: id, kind: .changed,
                    description: "row \(id) does not match its hash: what it records was changed (or it was written) after the fact"
                ))
            }
            if prevHash != expected {
                // Rows are written in id order, each chained to the one before: of two rows chained
                // to the same predecessor, the later one was added after the fact.
                if let previous, previous.prevHash == prevHash {
                    return ChainVerification(rowsChecked: checked, prunes: prunes, problem: ChainProblem(
                        rowID: id, kind: .inserted,
                        description: "row \(id) was inserted after the fact: it is chained to the same row as row \(previous.id)"
                    ))
                }
                return ChainVerification(rowsChecked: checked, prunes: prunes, problem: ChainProblem(
                    rowID: id, kind: .removed,
                    description: "rows before row \(id) were removed: it is chained to a row that is no longer there\(previous.map { " (after row \($0.id))" } ?? "")"
                ))
            }
            guard row["extension_hash"] == HashChain.extensionHash(rowHash: hash, extended: HashChain.extensionColumns.map(value)) else {
                return ChainVerification(rowsChecked: checked, prunes: prunes, problem: ChainProblem(
                    rowID: id, kind: .extensionChanged,
                    description: "row \(id)'s hold run (last_at, repeats or input ranges) was changed after it was written"
                ))
            }
            expected = hash
            previous = (id, prevHash)
            if (row["metric_error_kind"] as String?) == FailureKind.journalUnavailable.rawValue {
                gaps.append(JournalGap(
                    rowID: id, endpoint: row["endpoint"], since: Date(timeIntervalSince1970: row["at"]),
                    until: Date(timeIntervalSince1970: row["last_at"]), evaluations: row["repeats"]
                ))
            }
        }
        // AUTOINCREMENT never reuses an id: ids issued beyond the newest row were removed.
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'decision'") ?? 0
        let prunedThrough: Int64 = lastPrune?["last_removed_id"] ?? 0
        let newest = previous?.id ?? prunedThrough
        if issued > newest {
            return ChainVerification(rowsChecked: checked, prunes: prunes, problem: ChainProblem(
                rowID: newest + 1, kind: .removed,
                description: "the newest row(s), ids \(newest + 1) to \(issued), were removed"
            ))
        }
        let events = try checkEvents(db)
        return ChainVerification(rowsChecked: checked, prunes: prunes, problem: events.problem, gaps: gaps, eventsChecked: events.checked)
    }

    /// The daemon events' own chain: each event's hash, and each link to the one before.
    static func checkEvents(_ db: Database) throws -> (checked: Int, problem: ChainProblem?) {
        guard try db.tableExists("daemon_event") else { return (0, nil) }
        var expected = HashChain.genesis
        var checked = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM daemon_event ORDER BY id")
        while let row = try rows.next() {
            checked += 1
            let id: Int64 = row["id"]
            guard let prevHash: String = row["prev_hash"], let hash: String = row["hash"],
                  HashChain.eventHash(previous: prevHash, values: HashChain.values(of: row)) == hash else {
                return (checked, ChainProblem(rowID: id, kind: .changed, description: "daemon event \(id) does not match its hash: what it records was changed after the fact", inDaemonEvents: true))
            }
            guard prevHash == expected else {
                return (checked, ChainProblem(rowID: id, kind: .removed, description: "daemon events before event \(id) were removed or reordered", inDaemonEvents: true))
            }
            expected = hash
        }
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'daemon_event'") ?? 0
        let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM daemon_event") ?? 0
        if issued > newest {
            return (checked, ChainProblem(rowID: newest + 1, kind: .removed, description: "the newest daemon event(s), ids \(newest + 1) to \(issued), were removed", inDaemonEvents: true))
        }
        return (checked, nil)
    }
}

/// Evaluations of one endpoint that were made but could not be recorded.
public struct JournalGap: Sendable, Hashable {
    public var rowID: Int64
    public var endpoint: String
    public var since: Date
    public var until: Date
    public var evaluations: Int
}

/// Where and how the chain breaks.
public struct ChainProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case changed
        case extensionChanged = "extension_changed"
        case removed
        case inserted
    }

    public var rowID: Int64
    public var kind: Kind
    public var description: String
    /// The break is in the daemon events' chain, and `rowID` an event's id.
    public var inDaemonEvents = false
}
