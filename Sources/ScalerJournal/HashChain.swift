import Crypto
import Foundation
import GRDB

/// Every decision row carries a SHA-256 hash of what it recorded, chained to the previous row's
/// hash, so that a row changed, removed or inserted behind scalerd's back breaks the chain where
/// it happened. The extension of a hold run (its end, its repeats, its input ranges) is hashed
/// apart, bound to the row's own hash, since it legitimately grows after the row is written.
package enum HashChain {
    /// The `prev_hash` of the first row ever written.
    package static let genesis = String(repeating: "0", count: 64)

    /// What a row recorded when written: everything but its id and its hold extension.
    static let recordedColumns = AppendOnly.immutableDecisionColumns.filter { $0 != "id" }
    package static let extensionColumns = [
        "last_at", "repeats", "queue_delay_min", "queue_delay_max", "queued_min", "queued_max", "in_flight_min", "in_flight_max",
    ]

    /// Columns added after the chain existed: hashed, by name, only when they hold a value, so
    /// that every row written before them keeps its hash.
    static let optionalColumns = AppendOnly.addedDecisionColumnsV4 + AppendOnly.addedDecisionColumnsV11

    static func rowHash(previous: String, values: [String: DatabaseValue]) -> String {
        rowHash(previous: previous) { values[$0] ?? .null }
    }

    static func rowHash(previous: String, value: (String) -> DatabaseValue) -> String {
        rowHash(previous: previous, hashed: hashedColumns.map(value))
    }

    /// `recordedColumns`, then `optionalColumns`.
    static let hashedColumns = recordedColumns + optionalColumns

    /// `hashed`: the values of `hashedColumns`, in their order.
    static func rowHash(previous: String, hashed: [DatabaseValue]) -> String {
        var hasher = Digest(link: previous)
        for (index, value) in hashed.enumerated() {
            if index < recordedColumns.count {
                hasher.add(value)
            } else if !value.isNull {
                hasher.add(value, named: hashedColumns[index])
            }
        }
        return hasher.hex()
    }

    /// A daemon event's hash, in the events' own chain.
    static func eventHash(previous: String, values: [String: DatabaseValue]) -> String {
        var hasher = Digest(link: previous)
        for column in DaemonEvent.hashedColumns { hasher.add(values[column] ?? .null) }
        for column in DaemonEvent.optionalHashedColumns {
            if let value = values[column], !value.isNull { hasher.add(value, named: column) }
        }
        return hasher.hex()
    }

    static func extensionHash(rowHash: String, values: [String: DatabaseValue]) -> String {
        extensionHash(rowHash: rowHash, extended: extensionColumns.map { values[$0] ?? .null })
    }

    /// `extended`: the values of `extensionColumns`, in their order.
    static func extensionHash(rowHash: String, extended: [DatabaseValue]) -> String {
        var hasher = Digest(link: rowHash)
        for value in extended { hasher.add(value) }
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

    /// SHA-256 of the link and each value, one per line: `link`, then `\n` and each value's
    /// canonical text (`\ncolumn=` and the text for an optional column). The text is gathered in
    /// one buffer, since a string per value was most of the cost of hashing a row.
    private struct Digest {
        private var bytes: [UInt8] = []

        init(link: String) {
            bytes.reserveCapacity(1024)
            bytes.append(contentsOf: link.utf8)
        }

        mutating func add(_ value: DatabaseValue) {
            bytes.append(UInt8(ascii: "\n"))
            appendCanonical(value)
        }

        mutating func add(_ value: DatabaseValue, named column: String) {
            bytes.append(UInt8(ascii: "\n"))
            bytes.append(contentsOf: column.utf8)
            bytes.append(UInt8(ascii: "="))
            appendCanonical(value)
        }

        /// One value as text that reads the same whether it comes from the record being written
        /// or from the row read back: SQLite may store a whole REAL as an INTEGER and back.
        private mutating func appendCanonical(_ value: DatabaseValue) {
            switch value.storage {
            case .null:
                bytes.append(contentsOf: "null".utf8)
            case .int64(let integer):
                bytes.append(contentsOf: "number:".utf8)
                bytes.append(contentsOf: String(integer).utf8)
            case .double(let double):
                bytes.append(contentsOf: "number:".utf8)
                if double.rounded() == double, abs(double) < 9e15 {
                    bytes.append(contentsOf: String(Int64(double)).utf8)
                } else {
                    bytes.append(contentsOf: double.description.utf8)
                }
            case .string(let string):
                bytes.append(contentsOf: "text:".utf8)
                bytes.append(contentsOf: String(string.utf8.count).utf8)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: string.utf8)
            case .blob(let data):
                bytes.append(contentsOf: "blob:".utf8)
                bytes.append(contentsOf: data.base64EncodedString().utf8)
            }
        }

        func hex() -> String {
            let digest = SHA256.hash(data: bytes)
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
}
