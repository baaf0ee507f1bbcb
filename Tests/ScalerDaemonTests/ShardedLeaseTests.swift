import Foundation
import ScalerCore
import ScalerHA
import ScalerTestSupport
import Testing
@testable import ScalerDaemon

/// A lease table in memory, as PostgreSQL's behaves for leases that do not run out: enough to
/// see which shards a `LeaderLease` claims and lets go as members come and go.
private actor MemoryLeaseStore: LeaseStore {
    private var leases: [String: LeaseHolder] = [:]
    private var members: [String: Int] = [:]
    private var lastEpoch: Int64 = 0

    func join(_ holder: String, shards: Int = 4) { members[holder] = shards }
    func holders() -> [String: String] { leases.mapValues(\.holder) }

    func prepare() async throws {}

    func claim(_ name: String, holder: String, epoch: Int64?, for duration: Duration) async throws -> LeaseAnswer {
        if let current = leases[name] {
            return current.holder == holder && current.epoch == epoch ? .granted(epoch: current.epoch) : .heldBy(current, remaining: duration)
        }
        lastEpoch += 1
        leases[name] = LeaseHolder(holder: holder, epoch: lastEpoch)
        return .granted(epoch: lastEpoch)
    }

    func claim(_ leases: [String: Int64?], holder: String, for duration: Duration) async throws -> [String: LeaseAnswer] {
        var answers: [String: LeaseAnswer] = [:]
        for (name, epoch) in leases { answers[name] = try await claim(name, holder: holder, epoch: epoch, for: duration) }
        return answers
    }

    func release(_ name: String, holder: String, epoch: Int64) async throws {
        if leases[name] == LeaseHolder(holder: holder, epoch: epoch) { leases[name] = nil }
    }

    func survey(_ shards: Shards, holder: String, for duration: Duration) async throws -> LeaseSurvey {
        members[holder] = shards.count
        return LeaseSurvey(members: members, holders: leases.filter { $0.key == shards.group || $0.key.hasPrefix("\(shards.group)/") })
    }

    func leave(_ group: String, holder: String) async throws { members[holder] = nil }

    func close() async {}
}

@Suite struct ShardedLease {
    private func lease(_ store: MemoryLeaseStore, holder: String = "a") throws -> LeaderLease {
        LeaderLease(shards: Shards(group: "g", count: 4), store: store, terms: try LeaseTerms(duration: .seconds(15)), holder: holder, tick: 5, clock: ManualClock())
    }

    private func led(_ acting: Acting) -> [Int] {
        guard case .sharded(_, let terms) = acting else { return [] }
        return terms.indices.filter { terms[$0].epoch != nil }
    }

    @Test func anInstanceTakesItsShareSaysWhyItStandsByForTheRestAndLetsGoWhenOthersJoin() async throws {
        let store = MemoryLeaseStore()
        await store.join("b")
        var a = try lease(store)
        let (first, changes) = await a.beforeTick()
        #expect(led(first).count == 2, "4 shards among 2 live instances")
        #expect(changes.filter(\.change.isAcquired).count == 2)
        guard case .sharded(_, let terms) = first else { Issue.record("one term for four shards"); return }
        let idle = try #require(terms.first { $0.isStandby })
        #expect(idle.of(endpoint: "x").isStandby)
        if case .standby(let why) = idle {
            #expect(why.hasSuffix("is free but beyond this instance's share (4 shards among 2 instances)"), "\(why)")
        }
        let view = DaemonStatus.LeadershipView(a, acting: first, lastChange: nil, lastChangeAt: nil)
        #expect(view.role == .leader && view.epoch == nil && view.shards?.map(\.role).filter { $0 == .leader }.count == 2)
        #expect(view.shards?.map(\.lease) == ["g/0", "g/1", "g/2", "g/3"])

        // b takes the other two; then two more join: a keeps one and releases the other.
        var b = try lease(store, holder: "b")
        let (taken, _) = await b.beforeTick()
        #expect(Set(led(taken)).isDisjoint(with: led(first)) && led(taken).count == 2)
        await store.join("c")
        await store.join("d")
        let (shared, released) = await a.beforeTick()
        #expect(led(shared) == [led(first).min()!], "a keeps its lowest shard, within the share of 1")
        #expect(released.map(\.shard) == [led(first).max()!] && released.allSatisfy { if case .released = $0.change { true } else { false } })
        #expect(await store.holders()["g/\(led(first).max()!)"] == nil, "released at once for a newcomer to take")
    }

    @Test func anInstanceGivenAnotherShardCountThanTheGroupsLetsGoOfEverythingAndSaysWhy() async throws {
        let store = MemoryLeaseStore()
        var a = try lease(store)
        #expect(led(await a.beforeTick().0) == [0, 1, 2, 3])
        // A host given ha.shards: 8: a tie, which the larger count wins.
        await store.join("z", shards: 8)
        let (acting, changes) = await a.beforeTick()
        #expect(led(acting).isEmpty && changes.map(\.shard) == [0, 1, 2, 3], "every shard released before the tick acts")
        #expect(a.conflict?.hasPrefix("the group's live instances disagree on ha.shards (8 shards on 1 instance, 4 shards on 1 instance)") == true, "\(a.conflict ?? "")")
        if case .standby(let why) = acting.of(endpoint: "chat") {
            #expect(why.hasPrefix("standby: the group's live instances disagree on ha.shards"), "\(why)")
        } else {
            Issue.record("chat is led")
        }
    }

    @Test func aStopReleasesEveryShardHeldAndLeavesTheGroup() async throws {
        let store = MemoryLeaseStore()
        var a = try lease(store)
        let (acting, _) = await a.beforeTick()
        #expect(led(acting) == [0, 1, 2, 3], "alone, it leads every shard")
        let changes = await a.release()
        #expect(changes.map(\.shard) == [0, 1, 2, 3])
        #expect(await store.holders().isEmpty)
        var b = try lease(store, holder: "b")
        #expect(led(await b.beforeTick().0).count == 4, "a left the group: b's share is every shard")
    }
}
