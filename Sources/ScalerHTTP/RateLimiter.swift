import Foundation
import ScalerPorts

/// One provider's request budget, shared by all its endpoints and hosts: a token bucket that
/// keeps scalerd under `rate_limit`, and the provider's own "wait" (429 with `Retry-After`),
/// remembered across ticks so that nothing calls the provider again before the time it named.
public actor RateLimiter {
    private let interval: Duration
    /// When the next request may go, as time elapsed on `clock` since the limiter was made.
    private var nextFree: Duration = .zero
    private let clock: any Clock<Duration>
    private let watch: Stopwatch
    private let now: @Sendable () -> Date
    /// Until when the provider asked to be left alone, and what it said.
    private var hold: (until: Date, reason: String)?

    public init(requestsPerSecond: Double, now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock()) {
        interval = .microseconds(Int64(1_000_000 / max(requestsPerSecond, 0.001)))
        self.now = now
        self.clock = clock
        watch = Stopwatch(clock)
    }

    /// Waits for this request's slot (slots are handed out in call order), or refuses at once
    /// while the provider's `Retry-After` runs.
    public func acquire() async throws(ProviderError) {
        if let hold, now() < hold.until {
            throw ProviderError(.rateLimited, "not called: \(hold.reason); waiting until \(Self.format(hold.until)) as it asked")
        }
        hold = nil
        let current = watch.elapsed
        let slot = max(current, nextFree)
        nextFree = slot + interval
        guard slot > current else { return }
        do {
            try await clock.sleep(for: slot - current)
        } catch {
            throw ProviderError(.cancelled, "cancelled while waiting for the rate limit")
        }
    }

    /// Remembers the provider's `Retry-After`; a later one never shortens an earlier one.
    public func hold(until: Date, reason: String) {
        if let hold, hold.until >= until { return }
        hold = (until, reason)
    }

    /// When the provider may be called again, if it asked to wait.
    public var heldUntil: Date? {
        guard let hold, now() < hold.until else { return nil }
        return hold.until
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
