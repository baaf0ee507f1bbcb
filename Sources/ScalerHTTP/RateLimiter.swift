/// A token bucket per provider, so that many endpoints together stay under the provider's quota.
public actor RateLimiter {
    private let interval: Duration
    private var nextFree: ContinuousClock.Instant

    public init(requestsPerSecond: Double) {
        interval = .microseconds(Int64(1_000_000 / max(requestsPerSecond, 0.001)))
        nextFree = .now
    }

    /// Waits for this request's slot. Slots are handed out in call order.
    public func acquire() async throws {
        let now = ContinuousClock.now
        let slot = max(now, nextFree)
        nextFree = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }
}
