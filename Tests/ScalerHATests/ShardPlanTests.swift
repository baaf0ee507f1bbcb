import ScalerCore
import ScalerHA
import Testing

/// Which shards an instance claims and lets go, from what the store says of the group.
@Suite struct ShardPlanRules {
    private let shards = Shards(group: "g", count: 4)

    /// `members` instances of this layout ("a", "b", ...), and `others` of other shard counts.
    private func survey(members: Int, others: [String: Int] = [:], heldBy holders: [Int: String] = [:], of layout: Shards? = nil) -> LeaseSurvey {
        let layout = layout ?? shards
        let own = Dictionary(uniqueKeysWithValues: (0..<members).map { (String(UnicodeScalar(UInt8(97 + $0))), layout.count) })
        return LeaseSurvey(
            members: own.merging(others) { $1 },
            holders: Dictionary(uniqueKeysWithValues: holders.map { (layout.lease($0), LeaseHolder(holder: $1, epoch: 1)) })
        )
    }

    @Test func anEndpointsShardIsAStableHashOfItsNameTheSameOnEveryMachine() {
        // FNV-1a 64 of the name, modulo the count: fixed values, so that a change of the hash
        // (which would move endpoints between leaders in a mixed-version group) fails here.
        let eight = Shards(group: "g", count: 8)
        #expect(["chat", "embed", "image-gen", "whisper"].map(eight.shard(of:)) == [3, 6, 5, 5])
        let spread = Dictionary(grouping: (0..<8_000).map { eight.shard(of: "endpoint-\($0)") }, by: { $0 }).mapValues(\.count)
        #expect(spread.count == 8 && spread.values.allSatisfy { (900...1_100).contains($0) }, "\(spread)")
    }

    @Test func oneShardKeepsTheGroupsOwnLeaseAndIsClaimedAtEveryTickEvenWhenHeldByAnother() {
        let one = Shards(group: "scalerd", count: 1)
        #expect(one.lease(0) == "scalerd" && shards.lease(3) == "g/3")
        let plan = ShardPlan(shards: one, held: [], survey: survey(members: 2, heldBy: [0: "b"], of: one), holder: "a")
        #expect(plan.claims == [0] && plan.releases.isEmpty && plan.conflict == nil, "refused, it learns who leads")
    }

    @Test func aLoneInstanceTakesEveryFreeShard() {
        let plan = ShardPlan(shards: shards, held: [], survey: survey(members: 1), holder: "a")
        #expect(Set(plan.claims) == [0, 1, 2, 3] && plan.releases.isEmpty)
    }

    @Test func anInstanceHoldingMoreThanItsShareLetsTheRestGoForANewcomer() {
        let plan = ShardPlan(shards: shards, held: [0, 1, 2, 3], survey: survey(members: 2, heldBy: [0: "a", 1: "a", 2: "a", 3: "a"]), holder: "a")
        #expect(plan.claims == [0, 1] && plan.releases == [2, 3])
        let newcomer = ShardPlan(shards: shards, held: [], survey: survey(members: 2, heldBy: [0: "a", 1: "a"]), holder: "b")
        #expect(Set(newcomer.claims) == [2, 3], "it takes the free ones up to its share")
    }

    @Test func aSurvivorTakesADeadInstancesShardsOnceTheirLeasesRunOut() {
        // b died: its member row and its leases ran out.
        let plan = ShardPlan(shards: shards, held: [0, 1], survey: survey(members: 1, heldBy: [0: "a", 1: "a"]), holder: "a")
        #expect(Set(plan.claims) == [0, 1, 2, 3] && plan.releases.isEmpty)
    }

    @Test func aShardHeldByAnotherIsNotClaimedAndAnUnevenSplitGivesEachAtMostTheRoundedUpShare() {
        let three = Shards(group: "g", count: 3)
        let plan = ShardPlan(shards: three, held: [], survey: survey(members: 2, heldBy: [0: "a", 1: "a"], of: three), holder: "b")
        #expect(plan.claims == [2])
    }

    @Test func whileInstancesDisagreeOnTheShardCountTheMostCommonLayoutLeadsAndTheOtherLetsGoOfEverything() {
        // A change from 4 to 8 shards rolled out to one host of three.
        let eight = Shards(group: "g", count: 8)
        let mixed = survey(members: 2, others: ["new": 8], heldBy: [0: "a", 1: "a", 2: "b", 3: "b"])
        let new = ShardPlan(shards: eight, held: [], survey: mixed, holder: "new")
        #expect(new.claims.isEmpty && new.releases.isEmpty && new.holdsBack)
        #expect(new.conflict?.hasPrefix("the group's live instances disagree on ha.shards (4 shards on 2 instances, 8 shards on 1 instance)") == true, "\(new.conflict ?? "")")
        let old = ShardPlan(shards: shards, held: [0, 1], survey: mixed, holder: "a")
        #expect(old.claims == [0, 1] && old.releases.isEmpty, "the leading layout renews what it holds")
        #expect(!old.holdsBack && old.conflict?.hasSuffix("this layout leads; the others lead no shard until they are given the same ha.shards") == true,
                "the others hold none; it says so in its log all the same")

        // A tie goes to the larger count: the old layout lets go, and the new one waits for it.
        let tied = survey(members: 1, others: ["new": 8], heldBy: [0: "a", 1: "a", 2: "a", 3: "a"])
        let losing = ShardPlan(shards: shards, held: [0, 1, 2, 3], survey: tied, holder: "a")
        #expect(losing.claims.isEmpty && losing.releases == [0, 1, 2, 3])
        let waiting = ShardPlan(shards: eight, held: [], survey: tied, holder: "new")
        #expect(waiting.claims.isEmpty && waiting.holdsBack && waiting.conflict?.contains("takes no shard until the others' leases are let go") == true)
        let free = survey(members: 1, others: ["new": 8])
        #expect(Set(ShardPlan(shards: eight, held: [], survey: free, holder: "new").claims) == Set(0..<8), "once let go, all: it is its layout's only instance")
    }

    @Test func aSingleLeaseInstanceAndAShardedOneDoNotBothLead() {
        let one = Shards(group: "g", count: 1)
        // The sharded instance leads (a tie, the larger count); the single one waits for nothing
        // but lets go.
        let both = LeaseSurvey(members: ["single": 1, "sharded": 4], holders: ["g": LeaseHolder(holder: "single", epoch: 3)])
        let single = ShardPlan(shards: one, held: [0], survey: both, holder: "single")
        #expect(single.claims.isEmpty && single.releases == [0])
        let sharded = ShardPlan(shards: shards, held: [], survey: both, holder: "sharded")
        #expect(sharded.claims.isEmpty && sharded.holdsBack, "the group's own lease is still held: no shard is taken")
    }

    @Test func withoutASurveyOnlyWhatIsHeldIsRenewed() {
        let plan = ShardPlan(shards: shards, held: [3, 1], survey: nil, holder: "a")
        #expect(plan.claims == [1, 3] && plan.releases.isEmpty)
    }
}
