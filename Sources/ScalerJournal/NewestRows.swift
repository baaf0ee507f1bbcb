import Foundation

/// Every endpoint's newest row this process wrote, changed in place by a write's transaction and
/// put back as it was when that transaction does not commit: copying 10,000 rows out and back in
/// every tick showed in profiles.
package struct NewestRows: Sendable {
    /// In an array, found by `positions`: a dictionary's lookup would copy the row to read it.
    private var rows: [NewestRow] = []
    private var positions: [String: Int] = [:]
    /// How to undo what the open transaction changed: the first change of each row it touched,
    /// found through `undoSlots` (by the row's position; -1 for a row it has not touched). A
    /// dictionary of whole rows by name kept 8 MB of storage between ticks at 10,000 endpoints.
    private var undoLog: [(position: Int, change: Undo)] = []
    private var undoSlots: [Int] = []

    private enum Undo {
        case extent(NewestRow.Extent)
        case row(Prior?)
    }

    /// A row as it was before the transaction replaced it: boxed, so that the undo log's entries
    /// are the size of an extent, not of a row.
    private final class Prior: Sendable {
        let row: NewestRow
        init(_ row: NewestRow) { self.row = row }
    }

    package init() {}

    /// Where `endpoint`'s newest row is, for the calls below; nil before its first row.
    func position(of endpoint: String) -> Int? {
        positions[endpoint]
    }

    // Read through the buffer: an array's subscript hands out a copy of the whole row.
    func continues(at position: Int, with entry: JournalEntry) -> Bool {
        rows.withUnsafeBufferPointer { $0[position].entry.isContinued(by: entry) }
    }

    func isBehind(at position: Int) -> Bool {
        rows.withUnsafeBufferPointer { $0[position].isBehind }
    }

    var positionsBehind: [Int] {
        rows.indices.filter { rows[$0].isBehind }
    }

    /// Changes an existing row's run; `body` must change nothing but its extent.
    mutating func extend(at position: Int, _ body: (inout NewestRow) throws -> Void) rethrows {
        if undoSlots[position] < 0 { log(position, .extent(rows[position].extent)) }
        try body(&rows[position])
    }

    mutating func replace(_ endpoint: String, at position: Int?, with row: NewestRow) {
        guard let position else {
            positions[endpoint] = rows.count
            rows.append(row)
            undoSlots.append(-1)
            log(rows.count - 1, .row(nil))
            return
        }
        let slot = undoSlots[position]
        if slot < 0 {
            log(position, .row(Prior(rows[position])))
        } else if case .extent(let extent) = undoLog[slot].change {
            // The run was written in this transaction before the new row ended it: what an
            // undo gives back is the run as it was, not the new row with the run's extent.
            var before = rows[position]
            before.extent = extent
            undoLog[slot].change = .row(Prior(before))
        }
        rows[position] = row
    }

    /// A pruned row can no longer be extended: the next hold starts a new one. Only between
    /// appends (the service runs its prunes and ticks in turn), since it drops the undo log.
    package mutating func forget(upTo lastID: Int64) {
        rebuild(rows.filter { ($0.entry.id ?? 0) > lastID })
    }

    package mutating func committed() {
        for (position, _) in undoLog { undoSlots[position] = -1 }
        undoLog.removeAll(keepingCapacity: true)
    }

    package mutating func rolledBack() {
        var removed: Set<Int> = []
        for (position, change) in undoLog {
            undoSlots[position] = -1
            switch change {
            case .extent(let extent): rows[position].extent = extent
            case .row(let prior?): rows[position] = prior.row
            case .row(nil): removed.insert(position)
            }
        }
        undoLog.removeAll(keepingCapacity: true)
        if !removed.isEmpty { rebuild(rows.indices.filter { !removed.contains($0) }.map { rows[$0] }) }
    }

    private mutating func log(_ position: Int, _ change: Undo) {
        undoSlots[position] = undoLog.count
        undoLog.append((position, change))
    }

    private mutating func rebuild(_ kept: [NewestRow]) {
        rows = kept
        positions = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.entry.endpoint, $0) })
        undoSlots = Array(repeating: -1, count: kept.count)
        undoLog.removeAll()
    }
}
