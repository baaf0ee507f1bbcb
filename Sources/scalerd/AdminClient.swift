import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ScalerConfig

/// Talks to a running daemon's admin API, over TCP or its unix socket.
struct AdminClient {
    let settings: AdminSettings

    func call(_ method: HTTPMethod, _ path: String) async throws -> (status: Int, body: String) {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            var request = HTTPClientRequest(url: url(path))
            request.method = method
            if let token = settings.token { request.headers.add(name: "Authorization", value: "Bearer \(token.reveal())") }
            // The API refuses a POST that does not say it is JSON, which keeps web pages out.
            if method == .POST { request.headers.add(name: "Content-Type", value: "application/json") }
            // A reload waits for the loop to reach it between ticks: allow for a long tick.
            let response = try await client.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 16 << 20)
            try await client.shutdown()
            return (Int(response.status.code), String(buffer: body))
        } catch {
            try? await client.shutdown()
            throw AdminUnreachable(address: "\(settings.listen)", reason: "\(error)")
        }
    }

    private func url(_ path: String) -> String {
        switch settings.listen {
        case .tcp(let host, let port):
            return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(path)"
        case .unix(let socket):
            let encoded = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket
            return "http+unix://\(encoded)\(path)"
        }
    }
}

struct AdminUnreachable: Error, CustomStringConvertible {
    let address: String
    let reason: String
    var description: String { "cannot reach the daemon's admin API at \(address) (is scalerd running with this config?): \(reason)" }
}
