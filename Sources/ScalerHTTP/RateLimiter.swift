import Foundation
import ScalerPorts

/// One provider's request budget, shared by all its endpoints and hosts: a token bucket that
/// keeps scalerd under `rate_limit`, and the provider's own "wait" (429 with `Retry-After`),
/// remembered across ticks so that nothing calls the provider again before the time it named.
public actor RateLimiter {
    private let interval: Duration
    private var nextFree: ContinuousClock.Instant
    private let now: @Sendable () -> Date
    /// Until when the provider asked to be left alone, and what it said.
    private var hold: (until: Date, reason: String)?

    public init(requestsPerSecond: Double, now: @escaping @Sendable () -> Date = { Date() }) {
        interval = .microseconds(Int64(1_000_000 / max(requestsPerSecond, 0.001)))
        nextFree = .now
        self.now = now
    }

    /// Waits for this request's slot (slots are handed out in call order), or refuses at once
    /// while the provider's `Retry-After` runs.
    public func acquire() async throws(ProviderError) {
        if let hold, now() < hold.until {
            throw ProviderError(.rateLimited, "not called: \(hold.reason); waiting until \(Self.format(hold.until)) as it asked")
        }
        hold = nil
        let current = ContinuousClock.now
        let slot = max(current, nextFree)
        nextFree = slot + interval
        guard slot > current else { return }
        do {
            try await Task.sleep(until: slot, clock: .continuous)
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
