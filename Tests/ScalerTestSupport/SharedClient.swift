import AsyncHTTPClient
import Foundation
import ScalerHTTP

/// One HTTP client for a whole test process, configured as the daemon's is.
public let sharedTestClient: HTTPClient = ProviderTransport.makeSharedClient()

/// A transport to a fake provider, with retries quick enough for tests, and its budget counted
/// on a `WaitTimeClock` unless a test gives it a clock of its own.
public func testTransport(
    _ baseURL: String, headers: [(String, String)], authQuery: [URLQueryItem] = [], secrets: [String], requestTimeout: Double = 2,
    limiter: RateLimiter? = nil, now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = WaitTimeClock()
) -> ProviderTransport {
    var settings = ProviderTransport.Settings()
    settings.requestTimeout = requestTimeout
    settings.retry = RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.2, budget: 5)
    return ProviderTransport(
        client: sharedTestClient, baseURL: baseURL, headers: headers, authQuery: authQuery, secrets: secrets,
        limiter: limiter, settings: settings, now: now, clock: clock
    )
}
