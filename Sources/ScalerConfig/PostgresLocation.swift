/// A PostgreSQL database as the config names it: a URL without a password, and the password as
/// a secret reference beside it. Used by the journal (`journal.url`) and the lease (`ha.url`).
public struct PostgresLocation: Sendable, Hashable {
    /// How the connection is encrypted, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    public var tls: TLSMode
    public var password: Secret?

    public init(host: String, port: Int = 5432, username: String, database: String, tls: TLSMode = .prefer, password: Secret? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.database = database
        self.tls = tls
        self.password = password
    }

    /// The connection, as a URL without the password (for logs, `check` and `status`).
    public var url: String { "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }

    /// The same database, whatever password or encryption reaches it.
    public func isSameDatabase(as other: PostgresLocation) -> Bool {
        (host, port, database) == (other.host, other.port, other.database)
    }
}
