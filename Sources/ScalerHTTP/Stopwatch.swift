/// Time elapsed on any clock since the stopwatch was made: so that waiting and measuring take
/// the clock they are given (the continuous clock in the daemon, a manual one in tests).
public struct Stopwatch: Sendable {
    private let read: @Sendable () -> Duration

    public init(_ clock: any Clock<Duration>) {
        read = clock.elapsedSinceNow()
    }

    public var elapsed: Duration { read() }
}

extension Clock where Duration == Swift.Duration {
    fileprivate func elapsedSinceNow() -> @Sendable () -> Duration {
        let start = now
        return { start.duration(to: self.now) }
    }
}
