import ScalerCore

/// Where instances that share the work agree who leads: one row per lease, changed only in the
/// store's own time, so that no instance's clock decides when a lease has run out.
public protocol LeaseStore: Sendable {
    /// Makes what the store needs (a table) if it is missing; safe to call again, and by several
    /// instances at once.
    func prepare() async throws

    /// Takes the lease `name` for `holder` if it is free or has run out (a new epoch), or renews
    /// it if `holder` still holds `epoch` and it has not run out (the same epoch), for `duration`
    /// from the store's now. Otherwise answers who holds it.
    func claim(_ name: String, holder: String, epoch: Int64?, for duration: Duration) async throws -> LeaseAnswer

    /// `claim` for several leases in one round trip (a group's shards): each answered, or left
    /// out when another instance's claim of it was under way at that instant (it is not waited
    /// for, so that two instances claiming the same shards never wait on each other).
    func claim(_ leases: [String: Int64?], holder: String, for duration: Duration) async throws -> [String: LeaseAnswer]

    /// Ends the lease at once if `holder` still holds `epoch`, so that a planned stop hands over
    /// without waiting for the lease to run out.
    func release(_ name: String, holder: String, epoch: Int64) async throws

    /// Counts this instance as live in the group, with its shard count, for `duration` from the
    /// store's now, and answers which instances are live in it (and their shard counts) and who
    /// holds each of its leases: what an instance needs to know which shards to claim
    /// (`ShardPlan`).
    func survey(_ shards: Shards, holder: String, for duration: Duration) async throws -> LeaseSurvey

    /// Ends this instance's membership of `group` at once, at a planned stop, so that the others'
    /// fair share grows at their next tick.
    func leave(_ group: String, holder: String) async throws

    /// Lets go of the connection at a stop.
    func close() async
}
