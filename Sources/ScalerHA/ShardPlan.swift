import ScalerCore

/// Which of a group's shards one instance claims at a tick and which it lets go, so that the
/// live instances share the shards evenly, a dead one's are taken by the survivors, and no
/// endpoint is led by two instances that split the group differently.
///
/// Each instance holds at most its fair share, the shards divided by the live instances rounded
/// up. It renews what it holds up to that share, lets go of the rest (a newcomer is then given
/// some), and takes free shards while it holds fewer. Free shards are tried from a point that
/// depends on the instance's name, so that instances starting together mostly claim different
/// ones; when two still claim the same, the store gives it to one.
///
/// While live instances disagree on the shard count, one layout leads: the one most of them run,
/// ties to the larger count. The others let go of everything, and the leading layout's instances
/// take nothing new until no lease of another layout is held.
public struct ShardPlan: Sendable, Hashable {
    /// Shards to claim: those held (renewed) and free ones (taken).
    public let claims: [Int]
    /// Shards held beyond the fair share, or of a layout that does not lead, released before the
    /// tick acts.
    public let releases: [Int]
    /// Whether the group's instances disagree on the shard count, and what this instance does
    /// about it: for the log.
    public let conflict: String?
    /// Whether the disagreement keeps this instance from its share: its standby reason then.
    public let holdsBack: Bool

    public init(shards: Shards, held: Set<Int>, survey: LeaseSurvey?, holder: String) {
        let kept = held.sorted()
        guard let survey else {
            // Without a survey nothing is known to be free, nor who else runs: renew what is held.
            (claims, releases, conflict, holdsBack) = (kept, [], nil, false)
            return
        }
        let layouts = Dictionary(grouping: survey.members.values) { $0 }.mapValues(\.count)
        let leading = layouts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key ?? shards.count
        if leading != shards.count {
            (claims, releases, holdsBack) = ([], kept, true)
            conflict = "the group's live instances disagree on ha.shards (\(Self.describe(layouts))): the layout most of them run leads, ties to the larger count, so this instance (\(shards.count)) leads no shard; give every instance the same ha.shards"
            return
        }
        let own = Set(shards.indices.map(shards.lease))
        let foreign = survey.holders.contains { name, lease in
            !own.contains(name) || survey.members[lease.holder].map { $0 != shards.count } == true
        }
        if foreign {
            // Another layout's leases may cover the endpoints of the free shards: wait for them
            // to be let go, or to run out.
            (claims, releases, holdsBack) = (kept, [], true)
            conflict = layouts.count > 1
                ? "the group's live instances disagree on ha.shards (\(Self.describe(layouts))): this layout leads, and takes no shard until the others' leases are let go"
                : "a lease of another ha.shards layout is still held in the group: no shard is taken until it is let go or runs out"
            return
        }
        holdsBack = false
        conflict = layouts.count > 1
            ? "the group's live instances disagree on ha.shards (\(Self.describe(layouts))): this layout leads; the others lead no shard until they are given the same ha.shards"
            : nil
        guard shards.count > 1 else {
            // One lease: every instance claims it at every tick, and learns who leads when refused.
            (claims, releases) = ([0], [])
            return
        }
        let peers = max(1, layouts[shards.count] ?? 1)
        let share = (shards.count + peers - 1) / peers
        var claims = Array(kept.prefix(share))
        releases = Array(kept.dropFirst(share))
        let start = Int(truncatingIfNeeded: FNV1a.hash(holder) % UInt64(shards.count))
        for step in shards.indices where claims.count < share {
            let index = (start + step) % shards.count
            if !held.contains(index), survey.holders[shards.lease(index)] == nil { claims.append(index) }
        }
        self.claims = claims
    }

    /// "8 shards on 2 instances, 4 on 1".
    private static func describe(_ layouts: [Int: Int]) -> String {
        layouts.sorted { ($0.value, $0.key) > ($1.value, $1.key) }
            .map { "\($0.key) shard\($0.key == 1 ? "" : "s") on \($0.value) instance\($0.value == 1 ? "" : "s")" }
            .joined(separator: ", ")
    }
}
