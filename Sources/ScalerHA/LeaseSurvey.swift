/// What the store says of a group at one instant, in its own time: which instances are live in
/// it, with the shard count each runs with, and who holds each of its leases that has not run out.
public struct LeaseSurvey: Sendable, Hashable {
    /// Live instances in the group by holder, the one that asked included: each one's
    /// `ha.shards`, so that instances that disagree (a change rolled out one host at a time) are
    /// seen before two of them lead one endpoint.
    public let members: [String: Int]
    /// Each lease of the group (its own name, or a shard's) that has not run out, by name; a lease
    /// missing here is free to take.
    public let holders: [String: LeaseHolder]

    public init(members: [String: Int], holders: [String: LeaseHolder]) {
        self.members = members
        self.holders = holders
    }
}
