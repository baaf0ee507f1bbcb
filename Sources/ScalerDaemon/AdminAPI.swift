import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import ScalerConfig
import ScalerJournal
import ScalerMetrics

/// The admin HTTP API's routes: health for supervisors, series for Prometheus, endpoint state and
/// reloads for operators.
struct AdminAPI: Sendable {
    let status: DaemonStatus
    let metrics: DaemonMetrics
    let reloads: ReloadCoordinator
    let pushed: PushedSamples
    let journal: any JournalStore
    let token: Secret?
    /// Where the API listens, for the checks that keep web pages out.
    let listen: AdminSettings.Listen
    let clock: @Sendable () -> Date

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: BrowserGuardMiddleware(listen: listen))
        router.add(middleware: BearerTokenMiddleware(token: token?.reveal(), openPaths: ["/healthz", "/metrics"]))
        router.get("/healthz") { _, _ in
            let healthy = await status.isHealthy(now: clock())
            let last = await status.lastTickAt.map(JournalFormatter.timestamp) ?? "never"
            return Self.json(["status": healthy ? "ok" : "stalled", "last_tick": last], status: healthy ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        router.get("/readyz") { _, _ in
            if let problem = await status.journalProblem {
                return Self.json(["status": "journal unavailable", "detail": problem], status: .serviceUnavailable)
            }
            let ticks = await status.ticks
            return Self.json(["status": ticks > 0 ? "ready" : "starting"], status: ticks > 0 ? .ok : .serviceUnavailable)
        }
        router.get("/v1/daemon") { _, _ in
            Self.encoded(await status.runView(pid: Int(getpid()), now: clock()))
        }
        // Paged on request (`limit`, `after`, `provider`), the next page named in a `Link`
        // header: ten thousand endpoints are 14 MB in one answer.
        router.get("/v1/endpoints") { request, _ in
            let query = request.uri.queryParameters
            guard query["limit"] != nil || query["after"] != nil || query["provider"] != nil else {
                return Self.encoded(await status.views())
            }
            let limitText = query["limit"].map(String.init) ?? "100"
            guard let limit = Int(limitText), (1...1_000).contains(limit) else {
                return Self.json(["error": "limit must be a whole number from 1 to 1000, not '\(limitText)'"], status: .badRequest)
            }
            let after = query["after"].map(String.init)
            let provider = query["provider"].map(String.init)
            guard let (views, next) = await status.views(after: after, limit: limit, provider: provider) else {
                return Self.json(["error": "no endpoint named '\(after ?? "")' to continue after"], status: .notFound)
            }
            var response = Self.encoded(views)
            if let next {
                var link = "/v1/endpoints?limit=\(limit)&after=\(Self.queryEscaped(next))"
                if let provider { link += "&provider=\(Self.queryEscaped(provider))" }
                response.headers[.init("Link")!] = "<\(link)>; rel=\"next\""
            }
            return response
        }
        router.get("/v1/endpoints/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let view = await status.view(named: name) else {
                return Self.json(["error": "no endpoint named '\(name)'"], status: .notFound)
            }
            return Self.encoded(view)
        }
        // A gateway's sample for a `source: push` endpoint; refused whole (4xx, nothing kept) if wrong.
        router.post("/v1/endpoints/:name/metrics") { request, context in
            let name = context.parameters.get("name") ?? ""
            let ttl: Double
            switch await status.pushTTL(for: name) {
            case .success(let value): ttl = value
            case .failure(.unknownEndpoint): return Self.json(["error": "no endpoint named '\(name)'"], status: .notFound)
            case .failure(.notPushed(let source)): return Self.json(["error": "endpoint '\(name)' takes its metrics from source \(source), not push"], status: .conflict)
            }
            var request = request
            guard let body = try? await request.collectBody(upTo: 64 << 10) else {
                return Self.json(["error": "the body must be at most 64 KiB"], status: .contentTooLarge)
            }
            switch PushedSampleParser.parse(Data(buffer: body), at: clock()) {
            case .success(let sample):
                await pushed.store(sample, endpoint: name, ttl: ttl)
                return Self.json(["status": "accepted"], status: .accepted)
            case .failure(let error):
                return Self.json(["error": error.message], status: .badRequest)
            }
        }
        for (action, pause) in [("pause", true), ("resume", false)] {
            // Journalled, so that it holds across restarts and an audit shows who stopped acting when.
            router.post("/v1/endpoints/:name/\(action)") { _, context in
                let name = context.parameters.get("name") ?? ""
                guard await status.knows(name) else { return Self.json(["error": "no endpoint named '\(name)'"], status: .notFound) }
                do {
                    try await journal.recordPause(endpoint: name, paused: pause, at: clock())
                } catch {
                    return Self.json(["error": "\(error)"], status: .internalServerError)
                }
                await status.setPaused(name, pause)
                return Self.json(["endpoint": name, "status": pause ? "paused" : "acting"], status: .ok)
            }
        }
        // Answers once the loop has tried the file: 200 if applied, 422 with every problem if not.
        router.post("/v1/reload") { _, _ in
            let outcome = await reloads.requestAndWait()
            return Self.encoded(outcome, status: outcome.applied ? .ok : .unprocessableContent)
        }
        return router
    }

    private static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    static func json(_ fields: [String: String], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONEncoder().encode(fields)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encoded<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        guard let data = try? JournalFormatter.jsonEncoder().encode(value) else {
            return json(["error": "cannot encode the answer"], status: .internalServerError)
        }
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// With a token configured, every route but the open ones wants `Authorization: Bearer <token>`.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, !openPaths.contains(request.uri.path) else { return try await next(request, context) }
        let presented = request.headers[.authorization] ?? ""
        guard Self.constantTimeEqual(presented, "Bearer \(token)") else {
            var response = AdminAPI.json(["error": "missing or wrong bearer token"], status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }

    /// Compares without leaking, through timing, how much of the token was right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
