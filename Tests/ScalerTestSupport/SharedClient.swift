import AsyncHTTPClient
import ScalerHTTP

/// One HTTP client for a whole test process, configured as the daemon's is.
public let sharedTestClient: HTTPClient = ProviderTransport.makeSharedClient()

/// A transport to a fake provider, with retries quick enough for tests.
public func testTransport(_ baseURL: String, headers: [(String, String)], secrets: [String], requestTimeout: Double = 2) -> ProviderTransport {
    var settings = ProviderTransport.Settings()
    settings.requestTimeout = requestTimeout
    settings.retry = RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.2, budget: 5)
    return ProviderTransport(client: sharedTestClient, baseURL: baseURL, headers: headers, secrets: secrets, settings: settings)
}
