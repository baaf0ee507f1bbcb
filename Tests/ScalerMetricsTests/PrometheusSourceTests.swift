import Foundation
import HTTPTypes
import Hummingbird
import ScalerCore
import ScalerPorts
import ScalerHTTP
import ScalerMetrics
import ScalerTestSupport
import Testing

/// The Prometheus source against a real Prometheus server scraping a small exporter.
@Suite(.serialized) struct PrometheusSourceAgainstPrometheus {
    static let exposition = """
        # TYPE test_queue_delay_seconds gauge
        test_queue_delay_seconds{endpoint="chat"} 2.5
        # TYPE test_in_flight gauge
        test_in_flight{endpoint="chat"} 3
        test_in_flight{endpoint="embed"} 1
        # TYPE test_queued gauge
        test_queued{endpoint="chat"} 4
        # TYPE test_broken gauge
        test_broken{endpoint="chat"} NaN
        # TYPE test_negative gauge
        test_negative{endpoint="chat"} -2

        """

    @Test func readsInstantQueriesAndTreatsNothingAsMissingNotZero() async throws {
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(string: Self.exposition)))
        }
        try await withFakeServer(router) { exporterURL in
            let prometheus = try PrometheusServer(scraping: String(exporterURL.dropFirst("http://".count)))
            #expect(await prometheus.waitForSample(of: "test_queued"), "Prometheus scraped the exporter")
            let transport = ProviderTransport(client: sharedTestClient, baseURL: prometheus.url, headers: [], secrets: [])
            func source(_ queries: PrometheusSource.Queries) -> PrometheusSource { PrometheusSource(transport: transport, queries: queries) }

            let sample = try await source(.init(
                queueDelay: #"test_queue_delay_seconds{endpoint="chat"}"#, queued: #"sum(test_queued)"#,
                inFlight: #"test_in_flight{endpoint="chat"}"#
            )).sample(endpointID: "chat")
            #expect(sample.queueDelay == 2.5)
            #expect(sample.queued == 4)
            #expect(sample.inFlight == 3)
            #expect(sample.readyWorkers == nil)

            let gaps = try await source(.init(
                queueDelay: "test_no_such_metric", queued: "test_broken", inFlight: "test_in_flight", readyWorkers: "vector(1) / 0"
            )).sample(endpointID: "chat")
            #expect(gaps.queueDelay == nil, "an empty result is missing")
            #expect(gaps.queued == nil, "NaN is missing")
            #expect(gaps.inFlight == nil, "two series is not one value")
            #expect(gaps.readyWorkers == nil, "Inf is missing")

            await #expect(throws: MetricError.self) { try await source(.init(queued: "test_negative")).sample(endpointID: "chat") }
            await #expect(throws: MetricError.self) { try await source(.init(queued: "sum(")).sample(endpointID: "chat") }
        }
    }
}
