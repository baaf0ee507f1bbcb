import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ScalerPorts

/// Sends provider requests over one shared HTTP client: never follows redirects (a custom auth
/// header must not reach another host), times out each request, retries transient failures
/// within a budget, keeps under a rate limit, and keeps secrets out of every message.
public struct ProviderTransport: Sendable {
    public struct Settings: Sendable, Hashable {
        public var requestTimeout: Double = 10
        public var retry = RetryPolicy()
        public var maxResponseBytes = 4 << 20

        public init() {}
    }

    public let baseURL: String
    private let client: HTTPClient
    private let headers: [(String, String)]
    /// Query items every request carries (a key passed as `api_key`); never part of a message.
    private let authQuery: [URLQueryItem]
    /// Values that must never appear in a message: API keys, wherever they travel.
    private let secrets: [String]
    private let limiter: RateLimiter?
    private let settings: Settings
    private let jitter: @Sendable () -> Double
    /// Wall-clock time, for `Retry-After` dates and the instant a wait ends.
    private let now: @Sendable () -> Date
    /// What backoffs wait on and the retry budget is measured by.
    private let clock: any Clock<Duration>
    /// Told of every attempt: the status it got, or `nil` when no answer came (for metrics).
    private let observer: (@Sendable (ProviderRequest, Int?) -> Void)?

    /// The client every provider shares: redirects off, so that no key follows one.
    public static func makeSharedClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5))
        configuration.decompression = .enabled(limit: .size(16 << 20))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public init(
        client: HTTPClient, baseURL: String, headers: [(String, String)], authQuery: [URLQueryItem] = [], secrets: [String],
        limiter: RateLimiter? = nil, settings: Settings = Settings(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(),
        observer: (@Sendable (ProviderRequest, Int?) -> Void)? = nil
    ) {
        self.clock = clock
        self.observer = observer
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.headers = headers
        self.authQuery = authQuery
        self.secrets = (secrets + authQuery.compactMap(\.value)).filter { !$0.isEmpty }
        self.limiter = limiter
        self.settings = settings
        self.jitter = jitter
        self.now = now
    }

    /// The answer to `request` with a 2xx status, or the error after the retries it earned.
    public func send(_ request: ProviderRequest) async throws(ProviderError) -> ProviderResponse {
        let started = Stopwatch(clock)
        var attempt = 0
        // The first failure the provider itself answered: what a retry cut off by the call's
        // deadline reports, since the provider failed, not the wait for it.
        var answered: ProviderError?
        while true {
            attempt += 1
            let failure: ProviderError
            var retryAfter: Double?
            // A provider still inside the wait it asked for is not called, nor retried, this tick.
            if let limiter { try await limiter.acquire() }
            do {
                let response: ProviderResponse
                do {
                    response = try await once(request)
                } catch {
                    observer?(request, nil)
                    throw error
                }
                observer?(request, response.status)
                if (200..<300).contains(response.status) { return response }
                failure = classify(response, request: request)
                if answered == nil { answered = failure }
                retryAfter = RetryPolicy.retryAfter(response.headers["retry-after"], now: now())
                if response.status == 429, let retryAfter, let limiter {
                    await limiter.hold(until: now().addingTimeInterval(retryAfter), reason: "\(request.label) answered 429 with Retry-After \(Self.format(retryAfter))s")
                }
            } catch let error as ProviderError {
                if error.kind == .timeout, let answered, let remaining = CallDeadline.remainingSeconds, remaining < Self.deadlineSlack {
                    throw ProviderError(answered.kind, "\(answered.message) (gave up after \(attempt) attempt(s): the last one ran into the call's deadline)")
                }
                failure = error
            } catch {
                failure = ProviderError(.cancelled, "\(request.label): cancelled")
            }
            let policy = settings.retry
            let retriable = request.idempotent ? failure.isTransient : failure.kind == .rateLimited && retryAfter != nil
            guard retriable, attempt < policy.maxAttempts else {
                if !request.idempotent, [.timeout, .unavailable, .network].contains(failure.kind) {
                    throw ProviderError(failure.kind, "\(failure.message) (not sent again: the provider may have carried it out)")
                }
                throw failure
            }
            let wait = retryAfter ?? policy.backoff(retry: attempt, unit: jitter())
            let spent = started.elapsed.seconds
            if let remaining = CallDeadline.remainingSeconds, wait >= remaining, !(retryAfter != nil && failure.kind == .rateLimited) {
                throw ProviderError(failure.kind, "\(failure.message) (gave up after \(attempt) attempt(s): the next retry, in \(Self.format(wait))s, would pass the call's deadline)")
            }
            guard spent + wait <= policy.budget else {
                if retryAfter != nil, failure.kind == .rateLimited {
                    throw ProviderError(.rateLimited, "\(failure.message) (asked to wait \(Self.format(wait))s, longer than this tick allows: no request to this provider until then)")
                }
                throw ProviderError(failure.kind, "\(failure.message) (gave up after \(attempt) attempt(s): the next retry, in \(Self.format(wait))s, would pass the \(Self.format(policy.budget))s budget)")
            }
            do {
                try await clock.sleep(for: .milliseconds(Int64(wait * 1000)))
            } catch {
                throw ProviderError(.cancelled, "\(request.label): cancelled while waiting to retry")
            }
        }
    }

    /// Sends and decodes a JSON answer.
    public func json(_ request: ProviderRequest) async throws(ProviderError) -> JSON {
        let response = try await send(request)
        return try JSONReader.parse(response.body, context: request.label)
    }

    private func once(_ request: ProviderRequest) async throws -> ProviderResponse {
        var components = URLComponents(string: baseURL + request.path)
        let items = request.query + authQuery
        if !items.isEmpty { components?.queryItems = items }
        guard let url = components?.string else {
            throw ProviderError(.rejected, "\(request.label): cannot form a URL from base_url")
        }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers.add(name: "Accept", value: "application/json")
        outgoing.headers.add(name: "User-Agent", value: "scalerd")
        for (name, value) in headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(body)) ?? Data("null".utf8)
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(ByteBuffer(bytes: data))
        }
        // A request never outlives the call's deadline: it times out as itself, before the call is cut off.
        let timeout = min(settings.requestTimeout, CallDeadline.remainingSeconds ?? settings.requestTimeout)
        guard timeout > 0 else { throw ProviderError(.timeout, "\(request.label): no time left before the call's deadline") }
        let answer: Answer
        do {
            answer = try await exchange(outgoing, within: .milliseconds(Int64(timeout * 1000)))
        } catch let error as HTTPClientError where error == .readTimeout || error == .connectTimeout {
            throw ProviderError(.timeout, "\(request.label): no answer within \(Self.format(timeout))s")
        } catch is CancellationError {
            throw ProviderError(.cancelled, "\(request.label): cancelled")
        } catch let error as HTTPClientError where error == .cancelled {
            throw ProviderError(.cancelled, "\(request.label): cancelled")
        } catch {
            throw ProviderError(.network, redact("\(request.label): \(error)"))
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        switch answer {
        case .timedOut:
            throw ProviderError(.timeout, "\(request.label): no answer within \(Self.format(timeout))s")
        case .tooLarge:
            throw ProviderError(.malformed, "\(request.label): answer larger than \(settings.maxResponseBytes) bytes, or cut short")
        case .complete(let head, let collected):
            response = head
            body = collected
        }
        var headerMap: [String: String] = [:]
        for header in response.headers { headerMap[header.name.lowercased()] = header.value }
        return ProviderResponse(status: Int(response.status.code), headers: headerMap, body: Data(body.readableBytesView))
    }

    /// How one exchange ended: a whole answer, one too large (or cut short), or none in time.
    private enum Answer: Sendable {
        case complete(HTTPClientResponse, ByteBuffer)
        case tooLarge
        case timedOut
    }

    /// Sends `outgoing` and reads its whole answer, unless `limit` passes first on the transport's
    /// clock: the same clock its backoffs and the call's deadline run on, so that all of a call's
    /// time is one dependency (a test moves it; the daemon's is the continuous clock).
    private func exchange(_ outgoing: HTTPClientRequest, within limit: Duration) async throws -> Answer {
        let client = self.client
        let maxBytes = settings.maxResponseBytes
        let clock = self.clock
        return try await withThrowingTaskGroup(of: Answer.self) { group in
            group.addTask {
                let response = try await client.execute(outgoing, deadline: .distantFuture)
                do {
                    return .complete(response, try await response.body.collect(upTo: maxBytes))
                } catch {
                    if Task.isCancelled { throw CancellationError() }
                    return .tooLarge
                }
            }
            group.addTask {
                try await clock.sleep(for: limit)
                return .timedOut
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { return .timedOut }
            return first
        }
    }

    private func classify(_ response: ProviderResponse, request: ProviderRequest) -> ProviderError {
        let said = JSONReader.errorMessage(response.body).map { ": \($0)" } ?? ""
        let message = redact("\(request.label) answered \(response.status)\(said)")
        switch response.status {
        case 401, 403: return ProviderError(.unauthorized, message)
        case 404: return ProviderError(.notFound, message)
        case 408: return ProviderError(.timeout, message)
        case 429: return ProviderError(.rateLimited, message)
        case 300..<400: return ProviderError(.rejected, "\(message) (redirects are not followed: check base_url)")
        case 500...: return ProviderError(.unavailable, message)
        default: return ProviderError(.rejected, message)
        }
    }

    /// Removes every secret from text that may be logged or journalled.
    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }


    /// A request that timed out with less than this left before the call's deadline was cut off
    /// by the deadline, not left unanswered by the provider.
    static let deadlineSlack = 0.05

    static func format(_ seconds: Double) -> String {
        String(format: "%.1f", seconds)
    }
}
