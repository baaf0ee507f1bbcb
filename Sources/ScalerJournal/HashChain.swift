import Crypto
import Foundation
import GRDB

/// Every decision row carries a SHA-256 hash of what it recorded, chained to the previous row's
/// hash, so that a row changed, removed or inserted behind scalerd's back breaks the chain where
/// it happened. The extension of a hold run (its end, its repeats, its input ranges) is hashed
/// apart, bound to the row's own hash, since it legitimately grows after the row is written.
enum HashChain {
    /// The `prev_hash` of the first row ever written.
    static let genesis = String(repeating: "0", count: 64)

    /// What a row recorded when written: everything but its id and its hold extension.
    static let recordedColumns = AppendOnly.immutableDecisionColumns.filter { $0 != "id" }
    static let extensionColumns = [
        "last_at", "repeats", "queue_delay_min", "queue_delay_max", "queued_min", "queued_max", "in_flight_min", "in_flight_max",
    ]

    /// Columns added after the chain existed: hashed, by name, only when they hold a value, so
    /// that every row written before them keeps its hash.
    static let optionalColumns = AppendOnly.addedDecisionColumnsV4

    static func rowHash(previous: String, values: [String: DatabaseValue]) -> String {
        let present = optionalColumns.compactMap { column -> String? in
            guard let value = values[column], !value.isNull else { return nil }
            return "\(column)=\(canonical(value))"
        }
        return digest(previous, recordedColumns.map { values[$0] ?? .null }, appending: present)
    }

    /// A daemon event's hash, in the events' own chain.
    static func eventHash(previous: String, values: [String: DatabaseValue]) -> String {
        digest(previous, DaemonEvent.hashedColumns.map { values[$0] ?? .null })
    }

    static func extensionHash(rowHash: String, values: [String: DatabaseValue]) -> String {
        digest(rowHash, extensionColumns.map { values[$0] ?? .null })
    }

    static func values(of row: Row) -> [String: DatabaseValue] {
        Dictionary(row.columnNames.map { ($0, row[$0] as DatabaseValue) }) { first, _ in first }
    }

    private static func digest(_ link: String, _ values: [DatabaseValue], appending extra: [String] = []) -> String {
        let text = ([link] + values.map(canonical) + extra).joined(separator: "\n")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// One value as text that reads the same whether it comes from the record being written or
    /// from the row read back: SQLite may store a whole REAL as an INTEGER and back.
    private static func canonical(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "null"
        case .int64(let integer): return "number:\(integer)"
        case .double(let double):
            if double.rounded() == double, abs(double) < 9e15 { return "number:\(Int64(double))" }
            return "number:\(double)"
        case .string(let string): return "text:\(string.utf8.count):\(string)"
        case .blob(let data): return "blob:\(data.base64EncodedString())"
        }
    }
}
