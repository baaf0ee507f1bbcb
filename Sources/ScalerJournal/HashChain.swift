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
        rowHash(previous: previous) { values[$0] ?? .null }
    }

    static func rowHash(previous: String, value: (String) -> DatabaseValue) -> String {
        var hasher = Digest(link: previous)
        for column in recordedColumns { hasher.add(canonical(value(column))) }
        for column in optionalColumns {
            let present = value(column)
            if !present.isNull { hasher.add("\(column)=\(canonical(present))") }
        }
        return hasher.hex()
    }

    /// A daemon event's hash, in the events' own chain.
    static func eventHash(previous: String, values: [String: DatabaseValue]) -> String {
        var hasher = Digest(link: previous)
        for column in DaemonEvent.hashedColumns { hasher.add(canonical(values[column] ?? .null)) }
        return hasher.hex()
    }

    static func extensionHash(rowHash: String, values: [String: DatabaseValue]) -> String {
        extensionHash(rowHash: rowHash, extended: extensionColumns.map { values[$0] ?? .null })
    }

    /// `extended`: the values of `extensionColumns`, in their order.
    static func extensionHash(rowHash: String, extended: [DatabaseValue]) -> String {
        var hasher = Digest(link: rowHash)
        for value in extended { hasher.add(canonical(value)) }
        return hasher.hex()
    }

    static func values(of row: Row) -> [String: DatabaseValue] {
        Dictionary(row.columnNames.map { ($0, row[$0] as DatabaseValue) }) { first, _ in first }
    }

    /// A byte as two lowercase hex digits: digests, and JSON's `\u00XX` escapes.
    static func hex(_ byte: UInt8) -> [UInt8] {
        [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// SHA-256 of the link and each value, one per line, fed as they come rather than joined.
    private struct Digest {
        private var sha = SHA256()

        init(link: String) {
            sha.update(data: Data(link.utf8))
        }

        mutating func add(_ text: String) {
            var line = "\n" + text
            line.withUTF8 { sha.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }

        func hex() -> String {
            let digest = sha.finalize()
            return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
                var index = 0
                for byte in digest {
                    buffer[index] = HashChain.hexDigits[Int(byte >> 4)]
                    buffer[index + 1] = HashChain.hexDigits[Int(byte & 0x0f)]
                    index += 2
                }
                return index
            }
        }
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
