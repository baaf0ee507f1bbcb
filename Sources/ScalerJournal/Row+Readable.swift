import GRDB

extension Row {
    /// The column as `Value`, or nil when it is NULL, missing or holds another type: for rows an
    /// owner may have changed by hand, where GRDB's subscript would stop the process on a value
    /// it cannot convert.
    package func readable<Value: DatabaseValueConvertible>(_ column: String) -> Value? {
        guard let value = try? decode(Value?.self, forColumn: column) else { return nil }
        return value
    }
}
