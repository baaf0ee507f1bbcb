import ScalerCore

/// RunPod's own REQUEST_COUNT scaler as documented (docs.runpod.io, "Endpoint configurations"):
/// target = ceil((requests in queue + in progress) / scaler value), checked every 2 s (our reading);
/// above the target, workers leave only after their idle timeout.
public struct RunPodRequestCountStrategy: ScalingStrategy {
    public let requestsPerWorker: Double
    public let idleTimeout: Double
    public var minReplicas: Int
    public var maxReplicas: Int
    public let interval: Double = 2

    public init(requestsPerWorker: Double, idleTimeout: Double, minReplicas: Int, maxReplicas: Int) {
        self.requestsPerWorker = requestsPerWorker
        self.idleTimeout = idleTimeout
        self.minReplicas = minReplicas
        self.maxReplicas = max(minReplicas, maxReplicas)
    }

    public var name: String { "runpod-request-count" }
    public var summary: String {
        "\(CompactNumber.text(requestsPerWorker)) requests per worker, idle timeout \(CompactNumber.text(idleTimeout))s, replicas \(minReplicas)-\(maxReplicas)"
    }
    public var initialReplicas: Int { minReplicas }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int {
        let target = Int((Double(view.concurrency) / requestsPerWorker).rounded(.up))
        var desired = view.replicas
        if target > desired {
            desired = target
        } else if target < desired {
            desired = max(target, desired - view.idleWorkers(atLeast: idleTimeout))
        }
        return min(max(desired, minReplicas), maxReplicas)
    }
}
