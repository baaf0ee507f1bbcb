import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ScalerHTTP

/// What a fake provider saw: every request, for asserting on what scalerd sent.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: JSON?
    /// When the fake received it, for ordering requests that several clients sent.
    public var receivedAt = Date()
    /// The host and port the client addressed (HTTP/1.1's Host), which tells apart clients given
    /// one fake at different ports.
    public var authority: String?
}

/// A canned failure the fake answers with, once, before behaving again.
public enum Fault: Sendable {
    /// No fault for this request: lets a later one in the queue meet the next request.
    case pass
    case status(Int, body: String, retryAfter: String? = nil)
    case malformed(String)
    case hang(seconds: Double)
    /// No answer until the test lets it go: a request that cannot beat any client timeout, however
    /// loaded the machine, without keeping the server from shutting down after the test.
    case unanswered(until: HeldAnswers)
    /// A redirect to another host, which must not be followed with the key.
    case redirect(to: String)
}

/// Shared state of one fake provider: its endpoints, its request log and its queued faults.
public actor FakeProviderState {
    public var endpoints: [String: JSON]
    public var requests: [RecordedRequest] = []
    public var faults: [Fault] = []
    /// RunPod-style `/health` answers per endpoint id.
    public var health: [String: JSON] = [:]

    public init(endpoints: [String: JSON]) {
        self.endpoints = endpoints
    }

    public func record(_ request: RecordedRequest) { requests.append(request) }
    public func inject(_ fault: Fault...) { faults.append(contentsOf: fault) }
    public func inject(contentsOf fault: [Fault]) { faults.append(contentsOf: fault) }
    public func nextFault() -> Fault? { faults.isEmpty ? nil : faults.removeFirst() }
    public func endpoint(_ id: String) -> JSON? { endpoints[id] }
    public func setEndpoint(_ id: String, _ value: JSON) { endpoints[id] = value }
    public func writes() -> [RecordedRequest] { requests.filter { $0.method != "GET" } }
    public func setHealth(_ id: String, _ value: JSON) { health[id] = value }

    /// The health answer, with `jobs.completed` advanced as if `perCall` jobs finished since.
    public func nextHealth(_ id: String, perCall: Int) -> JSON? {
        guard var value = health[id] else { return nil }
        let completed = (value["jobs"]?["completed"]?.int ?? 0) + perCall
        value["jobs"]?["completed"] = JSON(completed)
        health[id] = value
        return value
    }
}

extension FakeProviderState {
    /// Waits (in real time, briefly) until a request `matching` has arrived: so that a test moves
    /// a clock only once the request it means to time out is at the fake.
    public func waitForRequest(_ matching: @Sendable (RecordedRequest) -> Bool) async {
        for _ in 0..<10_000 where !requests.contains(where: matching) {
            try? await Task.sleep(for: .microseconds(200))
        }
    }
}

public enum FakeResponse {
    public static func json(_ value: JSON, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data()
        return raw(String(decoding: data, as: UTF8.self), status: status, contentType: contentType)
    }

    public static func raw(_ text: String, status: HTTPResponse.Status, contentType: String = "application/json", extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Answers with the queued fault, if any, before the real handler runs.
    public static func fault(_ fault: Fault?) async throws -> Response? {
        switch fault {
        case nil, .pass?: return nil
        case .status(let code, let body, let retryAfter)?:
            var extra: HTTPFields = [:]
            if let retryAfter { extra[.retryAfter] = retryAfter }
            return raw(body, status: HTTPResponse.Status(code: code), contentType: "application/problem+json", extra: extra)
        case .malformed(let text)?:
            return raw(text, status: .ok)
        case .redirect(let location)?:
            return raw("", status: .temporaryRedirect, extra: [.location: location])
        case .hang(let seconds)?:
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return raw("{}", status: .ok)
        case .unanswered(let held)?:
            await held.wait()
            return raw("{}", status: .ok)
        }
    }
}

extension Request {
    /// Records the request and decodes its JSON body (nil if none or not JSON).
    public func recorded(in state: FakeProviderState) async throws -> RecordedRequest {
        let buffer = try await body.collect(upTo: 1 << 20)
        let data = Data(buffer.readableBytesView)
        let body = data.isEmpty ? nil : try? JSONDecoder().decode(JSON.self, from: data)
        var headers: [String: String] = [:]
        for field in self.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        var record = RecordedRequest(method: method.rawValue, path: uri.path, query: uri.query, headers: headers, body: body)
        record.authority = head.authority
        await state.record(record)
        return record
    }
}

/// Runs `body` with a live server for `router` on a free loopback port.
public func withFakeServer(
    _ router: Router<BasicRequestContext>,
    _ body: @Sendable @escaping (_ baseURL: String) async throws -> Void
) async throws {
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        try await body("http://127.0.0.1:\(client.port!)")
    }
}
