/// The instant by which the call in progress (a read, or a write with the read it needs) must be
/// done, set by whoever bounds it: every request and retry inside fits before it, so that a
/// provider failing fast is reported as that failure, not as the deadline cutting it off.
public enum CallDeadline {
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// Runs `operation` with a deadline `seconds` from now; an outer, earlier one still holds.
    public static func within<T>(seconds: Double, _ operation: () async throws -> T) async rethrows -> T {
        let proposed = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        return try await $current.withValue(current.map { min($0, proposed) } ?? proposed, operation: operation)
    }

    /// Seconds left, if a deadline is set.
    static var remaining: Double? {
        current.map { ProviderTransport.seconds($0 - .now) }
    }
}
