/// High availability: instances sharing one PostgreSQL elect one leader, which alone pushes.
public struct HASettings: Sendable, Hashable {
    /// How the connection to PostgreSQL is encrypted, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    public var tls: TLSMode
    public var password: Secret?
    /// Seconds a lease lasts in the database's time; renewed every tick.
    public var lease: Double
    /// The lease's name: instances that share it are one controller.
    public var group: String

    public static let defaultLease: Double = 15
    public static let defaultGroup = "scalerd"

    public init(host: String, port: Int = 5432, username: String, database: String, tls: TLSMode = .prefer, password: Secret?,
                lease: Double = Self.defaultLease, group: String = Self.defaultGroup) {
        self.host = host
        self.port = port
        self.username = username
        self.database = database
        self.tls = tls
        self.password = password
        self.lease = lease
        self.group = group
    }

    /// The connection, as a URL without the password (for logs and `status`).
    public var location: String { "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }
}
