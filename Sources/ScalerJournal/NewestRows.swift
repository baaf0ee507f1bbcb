import Foundation

/// Every endpoint's newest row this process wrote, changed in place by a write's transaction and
/// put back as it was when that transaction does not commit: copying 10,000 rows out and back in
/// every tick showed in profiles.
struct NewestRows: Sendable {
    /// In an array, found by `positions`: a dictionary's lookup would copy the row to read it.
    private var rows: [NewestRow] = []
    private var positions: [String: Int] = [:]
    /// How to undo what the open transaction changed, per endpoint it touched.
    private var undo: [String: Undo] = [:]

    private enum Undo {
        case extent(NewestRow.Extent)
        case row(NewestRow?)
    }

    // Read through the buffer: an array's subscript hands out a copy of the whole row.
    func continues(_ entry: JournalEntry) -> Bool {
        guard let position = positions[entry.endpoint] else { return false }
        return rows.withUnsafeBufferPointer { $0[position].entry.isContinued(by: entry) }
    }

    func isBehind(_ endpoint: String) -> Bool {
        guard let position = positions[endpoint] else { return false }
        return rows.withUnsafeBufferPointer { $0[position].isBehind }
    }

    var endpointsBehind: [String] {
        rows.indices.compactMap { rows[$0].isBehind ? rows[$0].entry.endpoint : nil }
    }

    /// Changes an existing row's run; `body` must change nothing but its extent.
    mutating func extend(_ endpoint: String, _ body: (inout NewestRow) throws -> Void) rethrows {
        guard let position = positions[endpoint] else { return }
        if undo[endpoint] == nil { undo[endpoint] = .extent(rows[position].extent) }
        try body(&rows[position])
    }

    mutating func replace(_ endpoint: String, with row: NewestRow) {
        if let position = positions[endpoint] {
            switch undo[endpoint] {
            case nil: undo[endpoint] = .row(rows[position])
            case .extent(let extent):
                // The run was written in this transaction before the new row ended it: what an
                // undo gives back is the run as it was, not the new row with the run's extent.
                var before = rows[position]
                before.extent = extent
                undo[endpoint] = .row(before)
            case .row: break
            }
            rows[position] = row
        } else {
            if undo[endpoint] == nil { undo[endpoint] = .row(nil) }
            positions[endpoint] = rows.count
            rows.append(row)
        }
    }

    /// A pruned row can no longer be extended: the next hold starts a new one.
    mutating func forget(upTo lastID: Int64) {
        rebuild(rows.filter { ($0.entry.id ?? 0) > lastID })
    }

    mutating func committed() {
        undo.removeAll(keepingCapacity: true)
    }

    mutating func rolledBack() {
        var removed: Set<String> = []
        for (endpoint, change) in undo {
            guard let position = positions[endpoint] else { continue }
            switch change {
            case .extent(let extent): rows[position].extent = extent
            case .row(let row?): rows[position] = row
            case .row(nil): removed.insert(endpoint)
            }
        }
        undo.removeAll(keepingCapacity: true)
        if !removed.isEmpty { rebuild(rows.filter { !removed.contains($0.entry.endpoint) }) }
    }

    private mutating func rebuild(_ kept: [NewestRow]) {
        rows = kept
        positions = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.entry.endpoint, $0) })
    }
}
