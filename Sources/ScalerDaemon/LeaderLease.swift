import Foundation
import Logging
import ScalerConfig
import ScalerHA
import ScalerHTTP

/// What a tick may do at the providers.
enum Acting: Sendable {
    /// No `ha:` block: this instance is the whole controller.
    case alone
    /// This instance leads in `epoch`; every push of the tick must end within `window`.
    case leader(epoch: Int64, window: ActingWindow)
    /// Another instance leads, or this one may not act: observe and decide, never push.
    case standby(String)

    /// Until when a push may run, when the lease bounds it.
    var window: ActingWindow? {
        if case .leader(_, let window) = self { return window }
        return nil
    }

    /// The lease's epoch while this instance leads.
    var epoch: Int64? {
        if case .leader(let epoch, _) = self { return epoch }
        return nil
    }

    var isStandby: Bool {
        if case .standby = self { return true }
        return false
    }
}

/// The time a leader may still act, counted down on the monotonic clock from when it was known.
struct ActingWindow: Sendable {
    private let since: Stopwatch
    private let time: Duration

    init(_ time: Duration, clock: any Clock<Duration>) {
        since = Stopwatch(clock)
        self.time = time
    }

    var remaining: Duration { time - since.elapsed }
}

/// This instance's part in high availability: before each tick acts, the lease is claimed (or
/// renewed) in PostgreSQL, and the tick learns whether it may push and for how long.
struct LeaderLease: Sendable {
    let group: String
    let store: any LeaseStore
    private(set) var leadership: Leadership<ElapsedInstant>
    private let started: Stopwatch
    private let clock: any Clock<Duration>
    /// How long a claim may take before it counts as failed: the tick goes on without it.
    let claimTimeout: Duration
    /// Whether the store's table is known to exist: made at the first claim that can.
    private var prepared = false

    init(group: String, store: any LeaseStore, terms: LeaseTerms, holder: String, tick: Double, clock: any Clock<Duration>) {
        self.group = group
        self.store = store
        self.clock = clock
        leadership = Leadership(terms: terms, holder: holder)
        started = Stopwatch(clock)
        claimTimeout = min(terms.margin, Self.claimTime(tick: tick))
    }

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
            group: settings.group, store: PostgresLeaseStore(session: session, logger: logger), terms: terms, holder: holderName(),
            tick: tick, clock: ContinuousClock()
        )
    }

    /// This process's name in the lease table: host, pid and a random part, so that a
    /// restarted process is a new holder and must wait out its predecessor's lease.
    static func holderName(host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()) -> String {
        "\(host)/\(pid)/\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    private var now: ElapsedInstant { ElapsedInstant(offset: started.elapsed) }

    /// How long the last claim took, answered or not: the lease's cost per tick.
    private(set) var lastClaim: Duration = .zero

    /// Fences first (an instance woken from a pause does nothing before it knows), then claims.
    mutating func beforeTick() async -> (Acting, [LeadershipChange]) {
        var changes = leadership.check(at: now)
        let sentAt = now
        let outcome = await claim()
        lastClaim = sentAt.duration(to: now)
        if case .success = outcome { prepared = true }
        switch outcome {
        case .success(let answer): changes += leadership.claimed(answer, sentAt: sentAt, at: now)
        case .failure: changes += leadership.claimFailed(at: now)
        }
        let at = now
        if let time = leadership.actingTimeLeft(at: at), let epoch = leadership.epoch {
            return (.leader(epoch: epoch, window: ActingWindow(time, clock: clock)), changes)
        }
        return (.standby(standbyReason(outcome)), changes)
    }

    /// At a planned stop: ends the lease at once so that a standby takes over at its next tick.
    mutating func release() async -> [LeadershipChange] {
        var changes: [LeadershipChange] = []
        if let epoch = leadership.epoch {
            let (store, name, holder) = (store, group, leadership.holder)
            // Not answered in time, the lease runs out on its own: a standby waits the lease.
            _ = await Self.bounded(claimTimeout, clock: clock) { try? await store.release(name, holder: holder, epoch: epoch) }
            changes = leadership.released()
        }
        await store.close()
        return changes
    }

    private func standbyReason(_ outcome: Result<LeaseAnswer, LeaseStoreError>) -> String {
        if case .failure(let error) = outcome { return "standby: the lease could not be claimed: \(error)" }
        if let other = leadership.otherHolder { return "standby: \(other) leads" }
        return "standby: the lease's acting time ran out before the claim was answered"
    }

    private mutating func claim() async -> Result<LeaseAnswer, LeaseStoreError> {
        let (store, name, holder, epoch, duration) = (store, group, leadership.holder, leadership.epoch, leadership.terms.duration)
        let prepared = prepared
        // Bounded on this instance's clock: a store that hangs must not hold the tick.
        let answer = await Self.bounded(claimTimeout, clock: clock) { () -> Result<LeaseAnswer, LeaseStoreError> in
            do {
                if !prepared { try await store.prepare() }
                return .success(try await store.claim(name, holder: holder, epoch: epoch, for: duration))
            } catch let error as LeaseStoreError {
                return .failure(error)
            } catch {
                return .failure(LeaseStoreError("cannot claim the lease \(name): \(error)"))
            }
        }
        return answer ?? .failure(LeaseStoreError("cannot claim the lease \(name): no answer within \(claimTimeout)"))
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
