import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP

/// RunPod's data-plane `GET /v2/{id}/health` (and the same-shaped `/health` of PPIO's and
/// Novita's async gateways): jobs in queue and in progress, workers idle and running. It reports
/// no queue delay, so that is estimated from successive samples (Little's law: waiting requests
/// over throughput) and marked as estimated.
public actor RunPodHealthSource: MetricSource {
    public static let defaultBaseURL = "https://api.runpod.ai"
    public static let ppioGatewayURL = "https://async-public.serverless.ppinfra.com"
    public static let novitaGatewayURL = "https://async-public.serverless.novita.ai"

    private struct Previous {
        var at: Date
        var completed: Int?
        /// When the queue was first seen non-empty in the current stretch.
        var queueSince: Date?
    }

    private let transport: ProviderTransport
    private let path: @Sendable (String) -> String
    private let clock: @Sendable () -> Date
    private var previous: [String: Previous] = [:]

    /// `path` maps the endpoint id to the health path: RunPod's by default; a gateway's is
    /// `/v1/<gateway name>/health`.
    public init(
        transport: ProviderTransport, path: @escaping @Sendable (String) -> String = { "/v2/\($0)/health" },
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.transport = transport
        self.path = path
        self.clock = clock
    }

    public func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        guard !endpointID.isEmpty, endpointID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw MetricError(.rejected, "endpoint id '\(endpointID)' may hold only letters, digits, '-' and '_'")
        }
        let health: JSON
        do {
            health = try await transport.json(ProviderRequest(.get, path(endpointID)))
        } catch {
            throw MetricError("runpod health", error)
        }
        let counts = try Self.counts(in: health)
        let (queued, inFlight, ready, completed) = (counts.queued, counts.inFlight, counts.ready, counts.completed)
        let now = clock()
        let delay = estimateDelay(endpointID: endpointID, queued: queued, completed: completed, now: now)
        return MetricSample(
            takenAt: now, queueDelay: delay, queued: queued, inFlight: inFlight, readyWorkers: ready,
            queueDelayEstimated: true
        )
    }

    private func estimateDelay(endpointID: String, queued: Int, completed: Int?, now: Date) -> Double? {
        let last = previous[endpointID]
        let queueSince = queued > 0 ? (last?.queueSince ?? now) : nil
        previous[endpointID] = Previous(at: now, completed: completed, queueSince: queueSince)
        guard queued > 0 else { return 0 }
        // Without a previous sample, or across a counter reset, throughput is unknown.
        guard let last, let completed, let before = last.completed, completed >= before, now > last.at else { return nil }
        let throughput = Double(completed - before) / now.timeIntervalSince(last.at)
        if throughput > 0 { return Double(queued) / throughput }
        // Nothing finished: the queue has waited at least since it was first seen.
        return now.timeIntervalSince(queueSince ?? now)
    }

    /// The counts one `/health` answer gives, each a whole number within `MetricSample`'s
    /// bounds (so their sums cannot overflow), or the sample fails.
    static func counts(in health: JSON) throws(MetricError) -> (queued: Int, inFlight: Int, ready: Int?, completed: Int?) {
        let bounds = 0...MetricSample.largestCount
        func count(_ value: JSON?, _ name: String, required: Bool) throws(MetricError) -> Int? {
            guard let value, !value.isNull else {
                if required { throw MetricError(.malformed, "runpod health: \(name) is missing") }
                return nil
            }
            guard let number = value.int, bounds.contains(number) else {
                throw MetricError(.malformed, "runpod health: \(name) must be a whole number in \(bounds.lowerBound)...\(bounds.upperBound)")
            }
            return number
        }
        let jobs = health["jobs"], workers = health["workers"]
        let queued = try count(jobs?["inQueue"], "jobs.inQueue", required: true) ?? 0
        let inFlight = try count(jobs?["inProgress"], "jobs.inProgress", required: true) ?? 0
        let idle = try count(workers?["idle"], "workers.idle", required: false)
        let running = try count(workers?["running"], "workers.running", required: false)
        let ready = idle.flatMap { idle in running.map { idle + $0 } }
        // A lifetime counter, so larger; an odd value there loses the throughput estimate, not the sample.
        let completed = jobs?["completed"]?.int.flatMap { (0...(1 << 60)).contains($0) ? $0 : nil }
        return (queued, inFlight, ready, completed)
    }
}
