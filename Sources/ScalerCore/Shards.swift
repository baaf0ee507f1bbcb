/// How a group's endpoints are split over `count` shards, each with a lease of its own: by a
/// stable hash of the endpoint's name, so that every instance, of any version and on any
/// machine, puts an endpoint in the same shard (Swift's `Hasher` is seeded per process).
public struct Shards: Sendable, Hashable {
    public let group: String
    public let count: Int

    /// `count` is read and ranged with the config (`ha.shards`); at least one, whatever it is.
    public init(group: String, count: Int) {
        self.group = group
        self.count = max(1, count)
    }

    public var indices: Range<Int> { 0..<count }

    /// The shard `endpoint` belongs to.
    public func shard(of endpoint: String) -> Int {
        Int(FNV1a.hash(endpoint) % UInt64(count))
    }

    /// The lease of shard `index`: the group's own name when there is one shard, so that a
    /// group that does not shard keeps the lease it always had.
    public func lease(_ index: Int) -> String {
        count == 1 ? group : "\(group)/\(index)"
    }
}
