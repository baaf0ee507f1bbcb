import PostgresNIO

/// What failed talking to PostgreSQL, in words an operator can act on: the server's own message
/// and SQLSTATE when it answered, else what failed on the way. Never the query, never a password
/// (PostgresNIO's own description hides both, and everything else with them).
public enum PostgresFailure {
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + state
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        case let error as PostgresTransactionError:
            // What failed inside the transaction, not the wrapper's dump of it.
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
            return cause.map(describe) ?? "the transaction failed"
        default:
            return "\(error)"
        }
    }

    /// The server's SQLSTATE for the statement that failed, if it answered.
    public static func sqlState(of error: any Error) -> String? {
        switch error {
        case let error as PSQLError: error.serverInfo?[.sqlState]
        case let error as PostgresTransactionError: (error.closureError ?? error.beginError ?? error.commitError).flatMap(sqlState)
        default: nil
        }
    }
}
