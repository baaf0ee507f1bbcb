import Foundation
import Hummingbird
import HummingbirdTesting
import ScalerConfig
@testable import ScalerDaemon
import ScalerJournal
import ScalerMetrics
import ScalerTestSupport
import ScalerProviders
import Testing

/// `/v1/endpoints` in pages, through the API's own router in process.
@Suite struct EndpointPaging {
    private func api(endpoints: Int, in directory: URL) throws -> AdminAPI {
        let lines = (0..<endpoints).map { index in
            "  - { name: ep\(index), provider: \(index % 2 == 0 ? "even" : "odd"), id: e\(index), policy: { type: queue, value: 4, max_replicas: 2 } }"
        }
        let yaml = """
            tick: 1s
            journal: { path: journal.sqlite }
            providers: [ { name: even, kind: simulated }, { name: odd, kind: simulated } ]
            endpoints:
            \(lines.joined(separator: "\n"))
            """
        let config = try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: directory.path).parse(yaml, file: "test.yaml")
        return AdminAPI(
            status: DaemonStatus(config: config), metrics: DaemonMetrics(), reloads: ReloadCoordinator(wake: {}), pushed: PushedSamples(),
            journal: try Journal(path: config.journal.path!), token: nil, listen: .unix(path: directory.appendingPathComponent("admin.sock").path),
            clock: { Date() }
        )
    }

    private func names(_ body: ByteBuffer) throws -> [String] {
        let views = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? []
        return views.compactMap { $0["name"] as? String }
    }

    @Test func pagesFollowTheConfigOrderAndNameTheNextOne() async throws {
        let directory = try scratchDirectory("paging")
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = Application(router: try api(endpoints: 5, in: directory).router())
        try await app.test(.router) { client in
            do {
                let response = try await client.execute(uri: "/v1/endpoints?limit=2", method: .get)
                #expect(try names(response.body) == ["ep0", "ep1"])
                #expect(response.headers[.init("Link")!] == #"</v1/endpoints?limit=2&after=ep1>; rel="next""#)
            }
            do {
                let response = try await client.execute(uri: "/v1/endpoints?limit=2&after=ep3", method: .get)
                #expect(try names(response.body) == ["ep4"])
                #expect(response.headers[.init("Link")!] == nil, "the last page names no next one")
            }
            do {
                let response = try await client.execute(uri: "/v1/endpoints?provider=odd", method: .get)
                #expect(try names(response.body) == ["ep1", "ep3"])
            }
            do {
                let response = try await client.execute(uri: "/v1/endpoints", method: .get)
                #expect(try names(response.body).count == 5, "no parameters: every endpoint, as before")
            }
        }
    }

    @Test func aBadPageRequestIsRefusedNamingWhatIsWrong() async throws {
        let directory = try scratchDirectory("paging")
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = Application(router: try api(endpoints: 3, in: directory).router())
        try await app.test(.router) { client in
            for limit in ["0", "1001", "-3", "ten", "9223372036854775808"] {
                do {
                let response = try await client.execute(uri: "/v1/endpoints?limit=\(limit)", method: .get)
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("limit must be a whole number from 1 to 1000"))
                }
            }
            do {
                let response = try await client.execute(uri: "/v1/endpoints?after=nope", method: .get)
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("no endpoint named 'nope' to continue after"))
            }
            do {
                let response = try await client.execute(uri: "/v1/endpoints/ep2", method: .get)
                #expect(response.status == .ok)
            }
        }
    }
}
