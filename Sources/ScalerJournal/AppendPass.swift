import Foundation
import GRDB

/// Where an append's rows go: a backend's prepared statements inside its transaction.
package protocol DecisionRowSink {
    /// Stores a new row, `values` in `JournalEntry.insertedColumns` order, and gives its id.
    mutating func insert(_ values: [DatabaseValue]) throws -> Int64

    /// Stores a hold run's extension, `extended` in `HashChain.extensionColumns` order and then
    /// the extension hash, on row `id` of `endpoint`; throws when there is no such row.
    mutating func extend(_ extended: [DatabaseValue], id: Int64, endpoint: String) throws
}

/// One append's work inside its transaction: the chain's end as rows are added, and which runs
/// extend and which rows are new, whatever backend stores them.
package struct AppendPass<Sink: DecisionRowSink> {
    package private(set) var sink: Sink
    private let holdWriteInterval: TimeInterval
    /// The hash the next new row chains to.
    package private(set) var chainEnd: String

    package init(sink: Sink, chainEnd: String, holdWriteInterval: TimeInterval) {
        self.sink = sink
        self.chainEnd = chainEnd
        self.holdWriteInterval = holdWriteInterval
    }

    /// A hold that repeats the endpoint's newest row extends it (stored once the run is due);
    /// anything else is a new row, after the run it ends is stored whole.
    package mutating func record(_ entry: JournalEntry, in newest: inout NewestRows) throws {
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

    /// Every run with evaluations only in memory, stored whole (a stop).
    package mutating func completeRuns(in newest: inout NewestRows) throws {
        for position in newest.positionsBehind { try newest.extend(at: position) { try write(&$0) } }
    }

    /// A new row, hashed from the very values it stores.
    private mutating func insertRow(_ entry: JournalEntry) throws -> JournalEntry {
        var row = entry
        row.prevHash = chainEnd
        var values = try row.insertedValues()
        let hash = HashChain.rowHash(previous: chainEnd, hashed: JournalEntry.hashedPositions.map { values[$0] })
        let extensionHash = HashChain.extensionHash(rowHash: hash, extended: row.extendedValues)
        (row.hash, row.extensionHash) = (hash, extensionHash)
        values[values.count - 2] = hash.databaseValue
        values[values.count - 1] = extensionHash.databaseValue
        row.id = try sink.insert(values)
        chainEnd = hash
        return row
    }

    /// The open hold run's extension stored: only the columns an extension may change.
    private mutating func write(_ run: inout NewestRow) throws {
        let extended = run.entry.extendedValues
        run.entry.extensionHash = HashChain.extensionHash(rowHash: run.entry.hash ?? "", extended: extended)
        try sink.extend(extended + [run.entry.extensionHash.databaseValue], id: run.entry.id ?? 0, endpoint: run.entry.endpoint)
        run.markWritten()
    }
}

/// SQLite's prepared statements, looked up once per append (the statement cache is keyed by the
/// SQL's text).
struct SQLiteRowSink: DecisionRowSink {
    private let db: Database
    private let insertStatement: Statement
    private let extendStatement: Statement

    init(db: Database) throws {
        self.db = db
        insertStatement = try db.cachedStatement(sql: Journal.insertSQL)
        extendStatement = try db.cachedStatement(sql: Journal.extendSQL)
    }

    func insert(_ values: [DatabaseValue]) throws -> Int64 {
        try insertStatement.execute(binding: values)
        return db.lastInsertedRowID
    }

    func extend(_ extended: [DatabaseValue], id: Int64, endpoint: String) throws {
        try extendStatement.execute(binding: extended + [id.databaseValue, endpoint.databaseValue])
        // A run whose row is not there (an undo that went wrong) must fail the write, not lose
        // the run's evaluations without a word.
        guard db.changesCount == 1 else {
            throw DatabaseError(resultCode: .SQLITE_NOTFOUND, message: "the open hold run of \(endpoint) has no row \(id) to extend", sql: Journal.extendSQL)
        }
    }
}
