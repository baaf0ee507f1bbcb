/// High availability: instances sharing one PostgreSQL elect one leader (per shard), which alone
/// pushes.
public struct HASettings: Sendable, Hashable {
    /// Where the lease table is: `ha.url`, else the journal's database when it is in PostgreSQL.
    public var server: PostgresLocation
    /// Seconds a lease lasts in the database's time; renewed every tick.
    public var lease: Double
    /// The lease's name: instances that share it are one controller.
    public var group: String
    /// How many shards the endpoints are split into, each with a lease of its own (`ha.shards`),
    /// so that several instances share the work; 1 (the default) is one leader for all.
    public var shards: Int

    public static let defaultLease: Double = 15
    public static let defaultGroup = "scalerd"

    public static let maximumShards = 256

    public init(server: PostgresLocation, lease: Double = Self.defaultLease, group: String = Self.defaultGroup, shards: Int = 1) {
        self.server = server
        self.lease = lease
        self.group = group
        self.shards = shards
    }

    /// The connection, as a URL without the password (for logs and `status`).
    public var location: String { server.url }
}
