import Hummingbird
import ScalerConfig

/// Keeps web pages out of the admin API. A page the operator visits can send requests to a
/// loopback address: a cross-origin POST of a form or `text/plain`, or, through DNS rebinding, a
/// request whose `Host` is the page's own name. So: on a loopback listener the `Host` must name
/// this machine; any `Origin` must be the API's own; and every POST must say it sends JSON, which
/// no page can do across origins without a preflight that this API never answers.
struct BrowserGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let listen: AdminSettings.Listen

    /// The names a loopback listener answers to.
    static var loopbackNames: Set<String> { ["127.0.0.1", "localhost", "::1", "[::1]"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1's Host header is the request's authority.
        let host = request.head.authority ?? ""
        if case .tcp(let listenHost, _) = listen, listen.isLocal, !Self.names(host: host, listenHost: listenHost) {
            return AdminAPI.json(["error": "Host '\(host)' is not this machine's admin API"], status: .misdirectedRequest)
        }
        if let origin = request.headers[.origin], !Self.isOwn(origin: origin, host: host, listen: listen) {
            return AdminAPI.json(["error": "requests from web pages (Origin \(origin)) are refused"], status: .forbidden)
        }
        if request.method == .post {
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else {
                return AdminAPI.json(["error": "POST needs Content-Type: application/json"], status: .unsupportedMediaType)
            }
        }
        return try await next(request, context)
    }

    /// Whether `host` (with its port, if any) names the loopback listener.
    static func names(host: String, listenHost: String) -> Bool {
        var name = host
        if name.hasPrefix("[") {
            name = String(name.prefix { $0 != "]" }) + "]"
        } else if let colon = name.lastIndex(of: ":"), name.firstIndex(of: ":") == colon {
            name = String(name[..<colon])
        }
        return loopbackNames.contains(name) || name == listenHost
    }

    /// The API's own origin: plain http, this host; a unix socket has none.
    static func isOwn(origin: String, host: String, listen: AdminSettings.Listen) -> Bool {
        guard case .tcp = listen else { return false }
        return origin == "http://\(host)"
    }
}
