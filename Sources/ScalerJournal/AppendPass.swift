import Foundation
import GRDB

/// One append's work inside its transaction: the prepared statements (looked up once, since the
/// statement cache is keyed by the SQL's text) and the chain's end as rows are added.
struct AppendPass {
    private let db: Database
    private let insert: Statement
    private let extend: Statement
    private let holdWriteInterval: TimeInterval
    private var chainEnd: String

    init(db: Database, holdWriteInterval: TimeInterval) throws {
        self.db = db
        insert = try db.cachedStatement(sql: Journal.insertSQL)
        extend = try db.cachedStatement(sql: Journal.extendSQL)
        self.holdWriteInterval = holdWriteInterval
        chainEnd = try Journal.chainEnd(db)
    }

    /// A hold that repeats the endpoint's newest row extends it (on disk once the run is due);
    /// anything else is a new row, after the run it ends is on disk whole.
    mutating func record(_ entry: JournalEntry, in newest: inout NewestRows) throws {
        let position = newest.position(of: entry.endpoint)
        if let position, newest.continues(at: position, with: entry) {
            try newest.extend(at: position) { open in
                open.entry.extend(by: entry)
                if open.isDue(holdWriteInterval: holdWriteInterval) { try write(&open) }
            }
            return
        }
        // While it is still the endpoint's newest row: the database refuses to extend any other.
        if let position, newest.isBehind(at: position) { try newest.extend(at: position) { try write(&$0) } }
        let row = try insertRow(entry)
        newest.replace(entry.endpoint, at: position, with: NewestRow(inserted: row, holdWriteInterval: holdWriteInterval))
    }

    /// Every run with evaluations only in memory, on disk whole (a stop).
    func completeRuns(in newest: inout NewestRows) throws {
        for position in newest.positionsBehind { try newest.extend(at: position) { try write(&$0) } }
    }

    /// A new row, hashed from the very values it stores and bound in one prepared statement.
    private mutating func insertRow(_ entry: JournalEntry) throws -> JournalEntry {
        var row = entry
        row.prevHash = chainEnd
        var values = try row.insertedValues()
        let hash = HashChain.rowHash(previous: chainEnd, hashed: JournalEntry.hashedPositions.map { values[$0] })
        let extensionHash = HashChain.extensionHash(rowHash: hash, extended: row.extendedValues)
        (row.hash, row.extensionHash) = (hash, extensionHash)
        values[values.count - 2] = hash.databaseValue
        values[values.count - 1] = extensionHash.databaseValue
        try insert.execute(binding: values)
        row.id = db.lastInsertedRowID
        chainEnd = hash
        return row
    }

    /// The open hold run's extension on disk: only the columns an extension may change.
    private func write(_ run: inout NewestRow) throws {
        let extended = run.entry.extendedValues
        run.entry.extensionHash = HashChain.extensionHash(rowHash: run.entry.hash ?? "", extended: extended)
        try extend.execute(binding: extended + [run.entry.extensionHash.databaseValue, run.entry.id.databaseValue, run.entry.endpoint.databaseValue])
        // A run whose row is not there (an undo that went wrong) must fail the write, not lose
        // the run's evaluations without a word.
        guard db.changesCount == 1 else {
            throw DatabaseError(resultCode: .SQLITE_NOTFOUND, message: "the open hold run of \(run.entry.endpoint) has no row \(run.entry.id.map(String.init) ?? "nil") to extend", sql: Journal.extendSQL)
        }
        run.markWritten()
    }
}
