/// The instant by which the call in progress (a read, or a write with the read it needs) must be
/// done, set by whoever bounds it: every request and retry inside fits before it, so that a
/// provider failing fast is reported as that failure, not as the deadline cutting it off.
public struct CallDeadline: Sendable {
    @TaskLocal public static var current: CallDeadline?

    private let watch: Stopwatch
    private let limit: Duration

    /// Runs `operation` with a deadline `seconds` from now on `clock`; an outer, earlier one still holds.
    public static func within<T>(seconds: Double, clock: any Clock<Duration>, _ operation: () async throws -> T) async rethrows -> T {
        let proposed = CallDeadline(watch: Stopwatch(clock), limit: .milliseconds(Int64(seconds * 1000)))
        if let current, current.remaining < proposed.remaining {
            return try await operation()
        }
        return try await $current.withValue(proposed, operation: operation)
    }

    /// Time left before the deadline (negative once past it).
    public var remaining: Duration { limit - watch.elapsed }

    /// Seconds left, if a deadline is set.
    static var remainingSeconds: Double? { current?.remaining.seconds }
}
