import AsyncHTTPClient
import ScalerHTTP

/// One HTTP client for a whole test process, configured as the daemon's is.
public let sharedTestClient: HTTPClient = ProviderTransport.makeSharedClient()
