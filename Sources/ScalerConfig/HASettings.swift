/// High availability: instances sharing one PostgreSQL elect one leader, which alone pushes.
public struct HASettings: Sendable, Hashable {
    /// Where the lease table is: `ha.url`, else the journal's database when it is in PostgreSQL.
    public var server: PostgresLocation
    /// Seconds a lease lasts in the database's time; renewed every tick.
    public var lease: Double
    /// The lease's name: instances that share it are one controller.
    public var group: String

    public static let defaultLease: Double = 15
    public static let defaultGroup = "scalerd"

    public init(server: PostgresLocation, lease: Double = Self.defaultLease, group: String = Self.defaultGroup) {
        self.server = server
        self.lease = lease
        self.group = group
    }

    /// The connection, as a URL without the password (for logs and `status`).
    public var location: String { server.url }
}
