import Synchronization

/// A clock whose time is only the waits slept on it: each sleep waits that long in real time,
/// then moves the clock on by what it waited.
///
/// For tests that talk to a live fake over real sockets and are about what a transport does
/// (how many attempts, which error), not how fast the machine is: a retry budget measured on it
/// counts backoffs and timeouts, never the seconds a loaded test process takes to be scheduled.
/// On the continuous clock, a full run on two cores made a first attempt "use up" a 5 s budget
/// and the test saw an error the provider never gave.
public final class WaitTimeClock: Clock, Sendable {
    public typealias Instant = ManualClock.Instant

    private let waited = Mutex(Duration.zero)

    public init() {}

    public var now: Instant { Instant(offset: waited.withLock { $0 }) }
    public var minimumResolution: Duration { .zero }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let wait = now.duration(to: deadline)
        guard wait > .zero else { return }
        try await ContinuousClock().sleep(for: wait)
        waited.withLock { $0 += wait }
    }
}
