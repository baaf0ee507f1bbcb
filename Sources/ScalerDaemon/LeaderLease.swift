import Foundation
import Logging
import ScalerConfig
import ScalerCore
import ScalerHA
import ScalerHTTP

/// A leadership change of one shard's lease (the group's own lease when it does not shard).
struct ShardChange: Sendable {
    let shard: Int
    let change: LeadershipChange
}

/// This instance's part in high availability: before each tick acts, its leases are claimed (or
/// renewed) in PostgreSQL, one per shard it takes (`ShardPlan`), and the tick learns for which
/// endpoints it may push and for how long.
struct LeaderLease: Sendable {
    let shards: Shards
    let store: any LeaseStore
    /// Each shard's term as this instance knows it, in shard order.
    private(set) var leases: [Leadership<ElapsedInstant>]
    private let started: Stopwatch
    private let clock: any Clock<Duration>
    /// How long a tick's claims, and a connection for them, may take together before the ones
    /// left count as failed: the tick goes on without them.
    let claimTimeout: Duration
    /// Whether the store's tables are known to exist: made at the first claim that can.
    private var prepared = false
    /// What the store last said of the group, when it shards.
    private var survey: LeaseSurvey?
    /// Why each shard's last claim failed, if it did.
    private var failures: [Int: LeaseStoreError] = [:]
    /// Whether, and how, the group's instances disagree on the shard count
    /// (`ShardPlan.conflict`), as of the last survey.
    private(set) var conflict: String?
    /// Whether that keeps this instance from its share.
    private var heldBack = false

    init(shards: Shards, store: any LeaseStore, terms: LeaseTerms, holder: String, tick: Double, clock: any Clock<Duration>) {
        self.shards = shards
        self.store = store
        self.clock = clock
        leases = shards.indices.map { _ in Leadership(terms: terms, holder: holder) }
        started = Stopwatch(clock)
        claimTimeout = min(terms.margin, Self.claimTime(tick: tick))
    }

    var group: String { shards.group }
    var holder: String { leases[0].holder }

    /// A fifth of the tick, at least 200 ms: what a claim, and a connection for it, may take.
    static func claimTime(tick: Double) -> Duration {
        .milliseconds(Int64(max(0.2, tick * 0.2) * 1000))
    }

    /// The lease `ha:` describes, on a PostgreSQL session that connects at the first claim.
    static func make(_ settings: HASettings, tick: Double, logger: Logger) throws -> LeaderLease {
        let target = JournalOpening.target(settings.server)
        let terms = try LeaseTerms(duration: .milliseconds(Int64(settings.lease * 1000)))
        // A connection attempt gets the claim's time: the tick is not held longer for it.
        let session = try PostgresSession(target, connectTimeout: claimTime(tick: tick), logger: logger)
        return LeaderLease(
            shards: Shards(group: settings.group, count: settings.shards), store: PostgresLeaseStore(session: session, logger: logger),
            terms: terms, holder: holderName(), tick: tick, clock: ContinuousClock()
        )
    }

    /// This process's name in the lease table: host, pid and a random part, so that a
    /// restarted process is a new holder and must wait out its predecessor's lease.
    static func holderName(host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()) -> String {
        "\(host)/\(pid)/\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    private var now: ElapsedInstant { ElapsedInstant(offset: started.elapsed) }

    /// How long the last tick's claims took, answered or not: the lease's cost per tick.
    private(set) var lastClaim: Duration = .zero

    /// The shards this instance holds a term of (it may have stopped acting in one it was not
    /// yet told it lost).
    var heldShards: [Int] { shards.indices.filter { leases[$0].epoch != nil } }

    /// Fences first (an instance woken from a pause does nothing before it knows), then surveys
    /// the group, lets go of shards beyond its share and claims the rest.
    mutating func beforeTick() async -> (Acting, [ShardChange]) {
        var changes = shards.indices.flatMap { shard in leases[shard].check(at: now).map { ShardChange(shard: shard, change: $0) } }
        let sentAt = now
        let deadline = sentAt.advanced(by: claimTimeout)
        failures = [:]
        let (store, holder, duration, shards) = (store, holder, leases[0].terms.duration, shards)
        var surveyFailure: LeaseStoreError?
        switch await call(until: deadline, "survey the group \(group)", { try await store.survey(shards, holder: holder, for: duration) }) {
        case .success(let seen): survey = seen
        case .failure(let error): (survey, surveyFailure) = (nil, error)
        }
        let plan = ShardPlan(shards: shards, held: Set(heldShards), survey: survey, holder: holder)
        if survey != nil { (conflict, heldBack) = (plan.conflict, plan.holdsBack) }
        for shard in plan.releases {
            changes += await letGo(shard, until: deadline).map { ShardChange(shard: shard, change: $0) }
        }
        let sent = now
        for (shard, answer) in await claim(plan.claims, until: deadline) {
            switch answer {
            case .success(let answer):
                changes += leases[shard].claimed(answer, sentAt: sent, at: now).map { ShardChange(shard: shard, change: $0) }
            case .failure(let error):
                failures[shard] = error
                changes += leases[shard].claimFailed(at: now).map { ShardChange(shard: shard, change: $0) }
            }
        }
        lastClaim = sentAt.duration(to: now)
        let at = now
        let terms = shards.indices.map { shard -> Acting in
            if let time = leases[shard].actingTimeLeft(at: at), let epoch = leases[shard].epoch {
                return .leader(epoch: epoch, window: ActingWindow(time, clock: clock))
            }
            return .standby(standbyReason(shard, surveyFailure: surveyFailure))
        }
        return (shards.count == 1 ? terms[0] : .sharded(shards, terms), changes)
    }

    /// Each of `claimed` shards' answer, in shard order: one lease's claim alone, or every shard's
    /// in one round trip.
    private mutating func claim(_ claimed: [Int], until deadline: ElapsedInstant) async -> [(Int, Result<LeaseAnswer, LeaseStoreError>)] {
        let (store, holder, duration, shards) = (store, holder, leases[0].terms.duration, shards)
        if shards.count == 1 {
            let (name, epoch) = (shards.lease(0), leases[0].epoch)
            return [(0, await call(until: deadline, "claim the lease \(name)") { try await store.claim(name, holder: holder, epoch: epoch, for: duration) })]
        }
        guard !claimed.isEmpty else { return [] }
        let wanted = Dictionary(uniqueKeysWithValues: claimed.map { (shards.lease($0), leases[$0].epoch) })
        let answers = await call(until: deadline, "claim the leases of \(claimed.count) shard(s) of \(group)") {
            try await store.claim(wanted, holder: holder, for: duration)
        }
        return claimed.map { shard in
            let name = shards.lease(shard)
            return (shard, answers.flatMap { answers in
                answers[name].map { .success($0) }
                    ?? .failure(LeaseStoreError("cannot claim the lease \(name): another instance's claim of it was under way; tried again at the next tick"))
            })
        }
    }

    /// At a planned stop: ends every lease held at once, and the membership, so that the others
    /// take over at their next tick.
    mutating func release() async -> [ShardChange] {
        let deadline = now.advanced(by: claimTimeout)
        var changes: [ShardChange] = []
        for shard in heldShards {
            changes += await letGo(shard, until: deadline).map { ShardChange(shard: shard, change: $0) }
        }
        let (store, group, holder) = (store, group, holder)
        _ = await call(until: deadline, "leave the group \(group)") { try await store.leave(group, holder: holder) }
        await store.close()
        return changes
    }

    /// Ends this instance's term of `shard`: not answered in time, the lease runs out on its
    /// own and a standby waits the lease.
    private mutating func letGo(_ shard: Int, until deadline: ElapsedInstant) async -> [LeadershipChange] {
        guard let epoch = leases[shard].epoch else { return [] }
        let (store, name, holder) = (store, shards.lease(shard), holder)
        _ = await call(until: deadline, "release the lease \(name)") { try await store.release(name, holder: holder, epoch: epoch) }
        return leases[shard].released()
    }

    private func standbyReason(_ shard: Int, surveyFailure: LeaseStoreError?) -> String {
        if heldBack, let conflict, leases[shard].epoch == nil { return "standby: \(conflict)" }
        if let error = failures[shard] ?? surveyFailure { return "standby: the lease could not be claimed: \(error)" }
        if let other = leases[shard].otherHolder ?? survey?.holders[shards.lease(shard)] {
            return shards.count == 1 ? "standby: \(other) leads" : "standby: \(other) leads shard \(shard) of \(group)"
        }
        if let survey, shards.count > 1, leases[shard].epoch == nil {
            return "standby: shard \(shard) of \(group) is free but beyond this instance's share (\(shards.count) shards among \(survey.members.count) instances)"
        }
        return "standby: the lease's acting time ran out before the claim was answered"
    }

    /// `operation`'s result, or a failure once `deadline` has passed on this instance's clock (the
    /// operation is then cancelled): a store that hangs must not hold the tick.
    private mutating func call<T: Sendable>(
        until deadline: ElapsedInstant, _ action: String, _ operation: @escaping @Sendable () async throws -> T
    ) async -> Result<T, LeaseStoreError> {
        let left = now.duration(to: deadline)
        guard left > .zero else { return .failure(LeaseStoreError("cannot \(action): no time left of the claims' \(claimTimeout)")) }
        let (store, prepared) = (store, prepared)
        let answer = await Self.bounded(left, clock: clock) { () -> Result<T, LeaseStoreError> in
            do {
                if !prepared { try await store.prepare() }
                return .success(try await operation())
            } catch let error as LeaseStoreError {
                return .failure(error)
            } catch {
                return .failure(LeaseStoreError("cannot \(action): \(error)"))
            }
        }
        let result = answer ?? .failure(LeaseStoreError("cannot \(action): no answer within \(claimTimeout)"))
        if case .success = result { self.prepared = true }
        return result
    }

    /// `operation`'s result, or nil once `timeout` has passed on `clock` (the operation is cancelled).
    private static func bounded<T: Sendable>(
        _ timeout: Duration, clock: any Clock<Duration>, _ operation: @escaping @Sendable () async -> T
    ) async -> T? {
        await withTaskGroup(of: T?.self) { race in
            race.addTask { await operation() }
            race.addTask {
                try? await clock.sleep(for: timeout)
                return nil
            }
            defer { race.cancelAll() }
            return await race.next() ?? nil
        }
    }
}
