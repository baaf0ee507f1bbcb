/// What the store says of a group at one instant, in its own time: how many instances are live
/// in it and who holds each of its leases that has not run out.
public struct LeaseSurvey: Sendable, Hashable {
    /// Live instances in the group, the one that asked included.
    public let members: Int
    /// Each lease that has not run out, by name; a lease missing here is free to take.
    public let holders: [String: LeaseHolder]

    public init(members: Int, holders: [String: LeaseHolder]) {
        self.members = max(1, members)
        self.holders = holders
    }
}
