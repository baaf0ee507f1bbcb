import Foundation
import GRDB
import PostgresNIO

/// Values between PostgreSQL and the journal's records, which read GRDB rows: a PostgreSQL row is
/// turned into one, so that a record is decoded, and its hash checked, by the very code that
/// does it for SQLite.
package enum PostgresValues {
    /// Each column by name, as SQLite would have handed it back: a boolean as 0 or 1. (A row
    /// made from a dictionary has its columns in no set order: read it by name only.)
    package static func row(_ row: PostgresRow) throws -> Row {
        Row(try values(row))
    }

    package static func values(_ row: PostgresRow) throws -> [String: DatabaseValue] {
        var values: [String: DatabaseValue] = [:]
        values.reserveCapacity(row.count)
        for cell in row {
            values[cell.columnName] = try value(cell)
        }
        return values
    }

    private static func value(_ cell: PostgresCell) throws -> DatabaseValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return try cell.decode(Int64.self).databaseValue
        case .float8, .float4: return try cell.decode(Double.self).databaseValue
        case .bool: return (try cell.decode(Bool.self) ? 1 : 0).databaseValue
        default: return try cell.decode(String.self).databaseValue
        }
    }

    /// `value` bound as `type`: what the column holds, whatever storage the record used for it.
    static func bind(_ value: DatabaseValue, as type: PostgresColumnType, into bindings: inout PostgresBindings) {
        switch (value.storage, type) {
        case (.null, _): bindings.appendNull()
        case (.int64(let integer), .boolean): bindings.append(integer != 0)
        case (.int64(let integer), .double): bindings.append(Double(integer))
        case (.int64(let integer), _): bindings.append(integer)
        case (.double(let double), .bigint) where double.rounded() == double && abs(double) < 9e15: bindings.append(Int64(double))
        case (.double(let double), _): bindings.append(double)
        case (.string(let string), _): bindings.append(string)
        case (.blob(let data), _): bindings.append(ByteBuffer(bytes: data))
        }
    }

    /// `VALUES` rows of `types`, each parameter cast, numbered from `$1`.
    static func valuesList(rows: Int, types: [PostgresColumnType]) -> String {
        var parameter = 0
        return (0..<rows).map { _ in
            "(" + types.map { type in
                parameter += 1
                return "$\(parameter)::\(type.cast)"
            }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }
}
