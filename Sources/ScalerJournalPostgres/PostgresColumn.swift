import GRDB
import ScalerJournal

/// A column's PostgreSQL type: what its values are bound as and read back to, the same values
/// SQLite stores (Unix seconds as doubles, JSON as the exact text that was hashed).
enum PostgresColumnType: String, Sendable {
    case bigint
    case double = "double precision"
    case text
    case boolean

    /// The cast a bound parameter takes, so that a list of rows resolves its types without
    /// guessing from a NULL.
    var cast: String {
        switch self {
        case .bigint: "bigint"
        case .double: "float8"
        case .text: "text"
        case .boolean: "boolean"
        }
    }
}

/// The decision table's columns in PostgreSQL, named and ordered as `JournalEntry` binds them.
enum DecisionColumns {
    static let doubles: Set<String> = [
        "at", "last_at", "metric_age", "queue_delay", "provider_latency_ms", "queue_delay_min", "queue_delay_max",
    ]
    static let integers: Set<String> = [
        "repeats", "queued", "in_flight", "ready_workers", "current_replicas", "raw_desired", "desired",
        "queued_min", "queued_max", "in_flight_min", "in_flight_max", "epoch",
    ]
    static let booleans: Set<String> = ["queue_delay_estimated", "pushed"]
    static let nullable: Set<String> = [
        "metric_age", "metric_error", "metric_error_kind", "queue_delay", "queued", "in_flight", "ready_workers", "raw_desired",
        "error_kind", "error_message", "provider_latency_ms", "queue_delay_min", "queue_delay_max", "queued_min", "queued_max",
        "in_flight_min", "in_flight_max", "epoch",
    ]

    static func type(of column: String) -> PostgresColumnType {
        if doubles.contains(column) { return .double }
        if integers.contains(column) || column == "id" { return .bigint }
        if booleans.contains(column) { return .boolean }
        return .text
    }

    /// `id`, then what an insert binds.
    static let inserted = ["id"] + JournalEntry.insertedColumns
    static let insertedTypes = inserted.map(type(of:))

    /// What an extension binds: the row, then `HashChain.extensionColumns` and its hash.
    static let extended = ["id", "endpoint"] + HashChain.extensionColumns + ["extension_hash"]
    static let extendedTypes = extended.map(type(of:))

    static var definitions: String {
        inserted.map { column in
            let constraint = column == "id" ? " PRIMARY KEY" : nullable.contains(column) ? "" : " NOT NULL"
            return "\(column) \(type(of: column).rawValue)\(constraint)"
        }.joined(separator: ",\n    ")
    }
}
