import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP

/// `source: prometheus`: one instant PromQL query per metric through `/api/v1/query`. An empty
/// result, NaN, Inf, several series or a range is a missing metric, never a zero: a zero would
/// let the policy scale down on no evidence.
public struct PrometheusSource: MetricSource {
    public typealias Queries = MetricFields<String>

    let transport: ProviderTransport
    let queries: Queries
    let clock: @Sendable () -> Date

    /// `transport`'s base URL is the Prometheus server's (e.g. `http://127.0.0.1:9090`).
    public init(transport: ProviderTransport, queries: Queries, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.transport = transport
        self.queries = queries
        self.clock = clock
    }

    public func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        let now = clock()
        let queueDelay = try await value(of: queries.queueDelay)
        let queued = try await value(of: queries.queued)
        let inFlight = try await value(of: queries.inFlight)
        let ready = try await value(of: queries.readyWorkers)
        return MetricSample(
            takenAt: now, queueDelay: queueDelay, queued: try count(queued, queries.queued),
            inFlight: try count(inFlight, queries.inFlight), readyWorkers: try count(ready, queries.readyWorkers)
        )
    }

    /// The query's single finite value, or `nil` when Prometheus has none.
    func value(of query: String?) async throws(MetricError) -> Double? {
        guard let query else { return nil }
        let answer: JSON
        do {
            answer = try await transport.json(ProviderRequest(.get, "/api/v1/query", query: [URLQueryItem(name: "query", value: query)]))
        } catch {
            throw MetricError("prometheus", error)
        }
        return try Self.value(in: answer, query: query)
    }

    /// The one finite value an instant query's answer holds, or `nil` when it holds none.
    static func value(in answer: JSON, query: String) throws(MetricError) -> Double? {
        guard answer["status"]?.string == "success", let data = answer["data"] else {
            throw MetricError(.rejected, "prometheus: query \(query) failed: \(answer["error"]?.string ?? "no status success")")
        }
        let sample: JSON?
        switch data["resultType"]?.string {
        case "scalar":
            sample = data["result"]
        case "vector":
            guard let series = data["result"]?.array, series.count == 1 else { return nil }
            sample = series[0]["value"]
        default:
            return nil
        }
        // A sample is [timestamp, "value"]; Prometheus spells non-finite values "NaN", "+Inf".
        guard let text = sample?.array?.last?.string, let number = Double(text), number.isFinite else { return nil }
        guard number >= 0 else { throw MetricError(.malformed, "prometheus: query \(query) answered \(text), a negative count or delay") }
        return number
    }

    private func count(_ value: Double?, _ query: String?) throws(MetricError) -> Int? {
        guard let value else { return nil }
        // Rates and averages come fractional: round up, since half a waiting request still waits.
        guard value <= Double(MetricSample.largestCount) else { throw MetricError(.malformed, "prometheus: query \(query ?? "") answered \(value), not a count") }
        return Int(value.rounded(.up))
    }
}
