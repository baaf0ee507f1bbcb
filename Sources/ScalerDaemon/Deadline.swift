import ScalerHTTP

/// Raised when an operation outlives its share of the tick.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "no answer within \(seconds)s" }
}

/// Runs `operation`, abandoning it after `seconds`, so that one slow endpoint cannot hold a tick.
/// The requests inside see a deadline a little earlier (`CallDeadline`), so that they end with
/// their own failure before the cut-off has to end them as a timeout.
func withDeadline<T: Sendable>(
    _ seconds: Double,
    on clock: any Clock<Duration>,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await CallDeadline.within(seconds: seconds * 0.9, clock: clock) { try await operation() } }
        group.addTask {
            try await clock.sleep(for: .milliseconds(Int64(seconds * 1000)))
            throw DeadlineExceeded(seconds: seconds)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
