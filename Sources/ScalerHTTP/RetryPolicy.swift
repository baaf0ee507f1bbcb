import Foundation

/// Capped exponential backoff with full jitter, honouring `Retry-After`, all inside one budget so
/// that a tick never waits on a provider past its share.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Seconds from the first attempt after which no retry starts.
    public var budget: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.2, maxDelay: Double = 2, budget: Double = 4) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }

    /// Delay before retry number `retry` (1-based), with `unit` uniform in [0, 1).
    public func backoff(retry: Int, unit: Double) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(0, retry - 1))))
        return ceiling * unit
    }

    /// `Retry-After` as seconds (delta-seconds or an HTTP date), if present and sane.
    public static func retryAfter(_ value: String?, now: Date) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
