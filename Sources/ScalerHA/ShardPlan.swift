import ScalerCore

/// Which of a group's shards one instance claims at a tick and which it lets go, so that the
/// live instances share the shards evenly and a dead one's are taken by the survivors.
///
/// Each instance holds at most its fair share, the shards divided by the live instances rounded
/// up. It renews what it holds up to that share, lets go of the rest (a newcomer is then given
/// some), and takes free shards while it holds fewer. Free shards are tried from a point that
/// depends on the instance's name, so that instances starting together mostly claim different
/// ones; when two still claim the same, the store gives it to one.
public struct ShardPlan: Sendable, Hashable {
    /// Shards to claim: those held (renewed) and free ones (taken).
    public let claims: [Int]
    /// Shards held beyond the fair share, released before the tick acts.
    public let releases: [Int]

    public init(shards: Shards, held: Set<Int>, survey: LeaseSurvey?, holder: String) {
        guard shards.count > 1 else {
            // One lease: every instance claims it at every tick, and stands by when refused.
            claims = [0]
            releases = []
            return
        }
        let kept = held.sorted()
        guard let survey else {
            // Without a survey nothing is known to be free: renew what is held.
            claims = kept
            releases = []
            return
        }
        let share = (shards.count + survey.members - 1) / survey.members
        var claims = Array(kept.prefix(share))
        releases = Array(kept.dropFirst(share))
        let start = Int(truncatingIfNeeded: FNV1a.hash(holder) % UInt64(shards.count))
        for step in shards.indices where claims.count < share {
            let index = (start + step) % shards.count
            if !held.contains(index), survey.holders[shards.lease(index)] == nil { claims.append(index) }
        }
        self.claims = claims
    }
}
