import Foundation
import ScalerCore

/// What a `leadership` daemon event records (high availability): the change, the term it
/// concerns, and the other holder where there is one.
public struct LeadershipDetail: Sendable, Hashable, Codable {
    public enum Change: String, Sendable, Hashable, Codable {
        /// This instance leads (again) in `epoch`.
        case acquired
        /// This instance learned who leads while not leading.
        case standingBy = "standing_by"
        /// This instance stopped acting on its own clock.
        case fenced
        /// Another instance leads now.
        case lost
        /// This instance ended its lease at a stop.
        case released

        /// Whether this instance's decisions are not pushed after it.
        public var endsControl: Bool { self == .standingBy || self == .fenced || self == .lost }
    }

    public var change: Change
    public var group: String
    /// With `ha.shards`: which shard's lease the change concerns, and of how many, so that a
    /// reader finds the shard of an endpoint (`Shards`); nil for a group that does not shard.
    public var shard: Int?
    public var shards: Int?
    public var epoch: Int64
    public var previousHolder: String?
    public var previousEpoch: Int64?
    public var leader: String?
    public var leaderEpoch: Int64?
    public var reason: String?

    public init(change: Change, group: String, epoch: Int64) {
        self.change = change
        self.group = group
        self.epoch = epoch
    }

    enum CodingKeys: String, CodingKey {
        case change, group, shard, shards, epoch, leader, reason
        case previousHolder = "previous_holder", previousEpoch = "previous_epoch", leaderEpoch = "leader_epoch"
    }

    public init?(detail: String) {
        guard let decoded = try? DaemonEvent.detailDecoder.decode(Self.self, from: Data(detail.utf8)) else { return nil }
        self = decoded
    }

    public var detail: String { DaemonEvent.detailJSON(self) }

    /// The lease the change concerns: the group's own, or one shard's.
    public var lease: String {
        guard let shard, let shards else { return group }
        return Shards(group: group, count: shards).lease(shard)
    }

    /// Whether the change concerns `endpoint`'s shard: every change does in a group that does
    /// not shard.
    public func concerns(endpoint: String) -> Bool {
        guard let shard, let shards else { return true }
        return Shards(group: group, count: shards).shard(of: endpoint) == shard
    }
}
