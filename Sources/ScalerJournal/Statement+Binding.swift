import GRDB
import GRDBSQLite

extension Statement {
    /// Runs the statement with `values` bound in order, through SQLite's own binding calls.
    /// `StatementArguments` boxed every value and checked them against the statement once more,
    /// a fifth of the cost of a row written per endpoint per tick. `execute()` keeps these
    /// bindings (`sqlite3_reset` does not clear them) and GRDB's account of the transaction.
    func execute(binding values: [DatabaseValue]) throws {
        let parameters = Int(sqlite3_bind_parameter_count(sqliteStatement))
        guard values.count == parameters else {
            throw DatabaseError(resultCode: .SQLITE_RANGE, message: "\(values.count) values for \(parameters) parameters", sql: sql)
        }
        setUncheckedArguments(StatementArguments())
        for (index, value) in values.enumerated() {
            let code = value.bind(to: sqliteStatement, at: CInt(index + 1))
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding parameter \(index + 1)", sql: sql)
            }
        }
        try execute()
    }
}
