import ScalerJournal

/// Each endpoint's latest row, as the admin API shows it. A tick hands over every endpoint's row
/// in the same order as the tick before, so the tick's array is kept whole and its index reused:
/// re-keying 10,000 rows by name every tick showed in profiles.
struct LatestDecisions {
    private var rows: [JournalEntry] = []
    private var index: [String: Int] = [:]

    subscript(endpoint: String) -> JournalEntry? {
        index[endpoint].map { rows[$0] }
    }

    mutating func record(_ entries: [JournalEntry]) {
        // By index: iterating the arrays would copy every row to compare its name.
        if entries.count == rows.count, entries.indices.allSatisfy({ entries[$0].endpoint == rows[$0].endpoint }) {
            rows = entries
            return
        }
        // Another set or order of endpoints: rows of endpoints this tick did not cover stay,
        // ahead of the tick's, which keep its order for the next tick's comparison.
        let covered = Set(entries.map(\.endpoint))
        rebuild(rows.filter { !covered.contains($0.endpoint) } + entries)
    }

    /// Drops the endpoints a reload removed.
    mutating func keep(_ names: Set<String>) {
        rebuild(rows.filter { names.contains($0.endpoint) })
    }

    /// `rows` hold one row per endpoint.
    private mutating func rebuild(_ rows: [JournalEntry]) {
        self.rows = rows
        index = Dictionary(rows.enumerated().map { ($1.endpoint, $0) }) { _, later in later }
    }
}
