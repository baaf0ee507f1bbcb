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
    /// Spans in which evaluations were made but could not be recorded, each as its gap row says:
    /// the journal refused writes past its buffer (nothing was acted on then), or a shared
    /// journal refused a lost term's rows (pushes may have been made then).
    public var gaps: [JournalGap] = []
    /// Daemon starts, reloads and stops checked in their own chain.
    public var eventsChecked = 0

    /// SQLite's rows through the walks every backend feeds its own to.
    static func check(_ db: Database) throws -> ChainVerification {
        let prunes = try Int.fetchOne(db, sql: "SELECT count(*) FROM journal_prune") ?? 0
        let lastPrune = try Row.fetchOne(db, sql: "SELECT last_removed_id, last_removed_hash FROM journal_prune ORDER BY id DESC LIMIT 1")
        var walk = DecisionChainWalk(prunes: prunes, lastRemovedHash: lastPrune?["last_removed_hash"], lastRemovedID: lastPrune?["last_removed_id"])
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM decision ORDER BY id")
        while let row = try rows.next() {
            if let broken = walk.check(row) { return broken }
        }
        // AUTOINCREMENT never reuses an id: ids issued beyond the newest row were removed.
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'decision'") ?? 0
        var events = EventChainWalk()
        if try db.tableExists("daemon_event") {
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM daemon_event ORDER BY id")
            while let row = try rows.next(), events.check(row) {}
            if events.problem == nil {
                events.finish(issued: try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'daemon_event'") ?? 0)
            }
        }
        return walk.finish(issued: issued, events: events)
    }
}

/// The decision rows' chain, walked in id order from whatever backend holds them: each row's
/// hash, its link to the row before, its hold run's own hash.
package struct DecisionChainWalk {
    private let prunes: Int
    private let prunedThrough: Int64
    private var expected: String
    private var previous: (id: Int64, prevHash: String)?
    private var checked = 0
    private var gaps: [JournalGap] = []
    /// Every row has the same columns: their positions are looked up once, not per value.
    private var columns: [String: Int] = [:]

    /// `lastRemovedHash`, `lastRemovedID`: the newest prune's, which the chain continues from.
    package init(prunes: Int, lastRemovedHash: String?, lastRemovedID: Int64?) {
        self.prunes = prunes
        expected = lastRemovedHash ?? HashChain.genesis
        prunedThrough = lastRemovedID ?? 0
    }

    /// The verification to report if the chain breaks at `row`, nil while it holds. For rows of
    /// one statement, whose columns are in the same order.
    package mutating func check(_ row: Row) -> ChainVerification? {
        if columns.isEmpty { columns = Dictionary(row.columnNames.enumerated().map { ($1, $0) }) { first, _ in first } }
        return check { [columns] column in columns[column].map { row[$0] } ?? .null }
    }

    /// As `check(_ row:)`, the row given by its value for each column name.
    package mutating func check(_ value: (String) -> DatabaseValue) -> ChainVerification? {
        checked += 1
        guard case .int64(let id) = value("id").storage else {
            return broken(ChainProblem(rowID: 0, kind: .changed, description: "a row without an integer id"))
        }
        func text(_ column: String) -> String? {
            if case .string(let text) = value(column).storage { return text }
            return nil
        }
        guard let prevHash = text("prev_hash"), let hash = text("hash"),
              HashChain.rowHash(previous: prevHash, value: value) == hash else {
            return broken(ChainProblem(
                rowID: id, kind: .changed,
                description: "row \(id) does not match its hash: what it records was changed (or it was written) after the fact"
            ))
        }
        if prevHash != expected {
            // Rows are written in id order, each chained to the one before: of two rows chained
            // to the same predecessor, the later one was added after the fact.
            if let previous, previous.prevHash == prevHash {
                return broken(ChainProblem(
                    rowID: id, kind: .inserted,
                    description: "row \(id) was inserted after the fact: it is chained to the same row as row \(previous.id)"
                ))
            }
            return broken(ChainProblem(
                rowID: id, kind: .removed,
                description: "rows before row \(id) were removed: it is chained to a row that is no longer there\(previous.map { " (after row \($0.id))" } ?? "")"
            ))
        }
        guard text("extension_hash") == HashChain.extensionHash(rowHash: hash, extended: HashChain.extensionColumns.map(value)) else {
            return broken(ChainProblem(
                rowID: id, kind: .extensionChanged,
                description: "row \(id)'s hold run (last_at, repeats or input ranges) was changed after it was written"
            ))
        }
        expected = hash
        previous = (id, prevHash)
        if let kind = text("metric_error_kind").flatMap(FailureKind.init(rawValue:)), kind.marksAGap {
            gaps.append(JournalGap(
                rowID: id, kind: kind, endpoint: text("endpoint") ?? "", since: Date(timeIntervalSince1970: Double.fromDatabaseValue(value("at")) ?? 0),
                until: Date(timeIntervalSince1970: Double.fromDatabaseValue(value("last_at")) ?? 0), evaluations: Int.fromDatabaseValue(value("repeats")) ?? 0
            ))
        }
        return nil
    }

    /// After the last row: `issued`, the highest id the backend ever gave a row, in the same
    /// transaction's view; ids issued beyond the newest row were removed.
    package func finish(issued: Int64, events: EventChainWalk) -> ChainVerification {
        let newest = previous?.id ?? prunedThrough
        if issued > newest {
            return broken(ChainProblem(
                rowID: newest + 1, kind: .removed,
                description: "the newest row(s), ids \(newest + 1) to \(issued), were removed"
            ))
        }
        return ChainVerification(rowsChecked: checked, prunes: prunes, problem: events.problem, gaps: gaps, eventsChecked: events.checked)
    }

    private func broken(_ problem: ChainProblem) -> ChainVerification {
        ChainVerification(rowsChecked: checked, prunes: prunes, problem: problem)
    }
}

/// The daemon events' own chain: each event's hash, and each link to the one before.
package struct EventChainWalk {
    package private(set) var checked = 0
    package private(set) var problem: ChainProblem?
    private var expected = HashChain.genesis
    private var newest: Int64 = 0

    package init() {}

    /// Checks one event, in id order; false once the chain is broken (stop walking).
    package mutating func check(_ row: Row) -> Bool {
        checked += 1
        let id: Int64 = row.readable("id") ?? 0
        guard let prevHash: String = row.readable("prev_hash"), let hash: String = row.readable("hash"),
              HashChain.eventHash(previous: prevHash, values: HashChain.values(of: row)) == hash else {
            problem = ChainProblem(rowID: id, kind: .changed, description: "daemon event \(id) does not match its hash: what it records was changed after the fact", inDaemonEvents: true)
            return false
        }
        guard prevHash == expected else {
            problem = ChainProblem(rowID: id, kind: .removed, description: "daemon events before event \(id) were removed or reordered", inDaemonEvents: true)
            return false
        }
        expected = hash
        newest = id
        return true
    }

    /// After the last event: `issued`, the highest id the backend ever gave an event.
    package mutating func finish(issued: Int64) {
        if issued > newest {
            problem = ChainProblem(rowID: newest + 1, kind: .removed, description: "the newest daemon event(s), ids \(newest + 1) to \(issued), were removed", inDaemonEvents: true)
        }
    }
}

/// Evaluations of one endpoint that were made but could not be recorded.
public struct JournalGap: Sendable, Hashable {
    public var rowID: Int64
    /// `journalUnavailable` (nothing was acted on) or `termLost` (pushes may have been made).
    public var kind: FailureKind
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
