import ScalerCore
import ScalerHA
import Testing

/// Which shards an instance claims and lets go, from what the store says of the group.
@Suite struct ShardPlanRules {
    private let shards = Shards(group: "g", count: 4)

    private func survey(members: Int, heldBy holders: [Int: String] = [:]) -> LeaseSurvey {
        LeaseSurvey(members: members, holders: Dictionary(uniqueKeysWithValues: holders.map { (shards.lease($0), LeaseHolder(holder: $1, epoch: 1)) }))
    }

    @Test func anEndpointsShardIsAStableHashOfItsNameTheSameOnEveryMachine() {
        // FNV-1a 64 of the name, modulo the count: fixed values, so that a change of the hash
        // (which would move endpoints between leaders in a mixed-version group) fails here.
        let eight = Shards(group: "g", count: 8)
        #expect(["chat", "embed", "image-gen", "whisper"].map(eight.shard(of:)) == [3, 6, 5, 5])
        let spread = Dictionary(grouping: (0..<8_000).map { eight.shard(of: "endpoint-\($0)") }, by: { $0 }).mapValues(\.count)
        #expect(spread.count == 8 && spread.values.allSatisfy { (900...1_100).contains($0) }, "\(spread)")
    }

    @Test func oneShardKeepsTheGroupsOwnLeaseAndIsClaimedAtEveryTick() {
        let one = Shards(group: "scalerd", count: 1)
        #expect(one.lease(0) == "scalerd" && shards.lease(3) == "g/3")
        let plan = ShardPlan(shards: one, held: [], survey: nil, holder: "a")
        #expect(plan.claims == [0] && plan.releases.isEmpty)
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
        let held = LeaseSurvey(members: 2, holders: [three.lease(0): LeaseHolder(holder: "a", epoch: 1), three.lease(1): LeaseHolder(holder: "a", epoch: 2)])
        let plan = ShardPlan(shards: three, held: [], survey: held, holder: "b")
        #expect(plan.claims == [2])
    }

    @Test func withoutASurveyOnlyWhatIsHeldIsRenewed() {
        let plan = ShardPlan(shards: shards, held: [3, 1], survey: nil, holder: "a")
        #expect(plan.claims == [1, 3] && plan.releases.isEmpty)
    }
}
