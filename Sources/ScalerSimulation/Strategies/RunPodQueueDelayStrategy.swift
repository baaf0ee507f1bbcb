import ScalerCore

/// RunPod's own QUEUE_DELAY scaler as documented (docs.runpod.io, "Endpoint configurations"): a
/// worker is added when a request has waited longer than the threshold, and a worker leaves after
/// its idle timeout. Our reading of what the docs leave open: it checks every 2 s, adds one worker
/// per worker's worth of over-threshold requests not already covered by a starting worker, and
/// starts a worker at once for a request that arrives with none running.
public struct RunPodQueueDelayStrategy: ScalingStrategy {
    public let threshold: Double
    public let idleTimeout: Double
    public let perWorker: Int
    public var minReplicas: Int
    public var maxReplicas: Int
    public let interval: Double = 2

    public init(threshold: Double, idleTimeout: Double, perWorker: Int, minReplicas: Int, maxReplicas: Int) {
        self.threshold = threshold
        self.idleTimeout = idleTimeout
        self.perWorker = max(1, perWorker)
        self.minReplicas = minReplicas
        self.maxReplicas = max(minReplicas, maxReplicas)
    }

    public var name: String { "runpod-queue-delay" }
    public var summary: String {
        "threshold \(CompactNumber.text(threshold))s, idle timeout \(CompactNumber.text(idleTimeout))s, replicas \(minReplicas)-\(maxReplicas)"
    }
    public var initialReplicas: Int { minReplicas }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int {
        var desired = view.replicas
        let overdue = view.replicas == 0 ? view.queued : view.waiting(longerThan: threshold)
        if overdue > 0 {
            let needed = (overdue + perWorker - 1) / perWorker
            desired += max(0, needed - view.startingWorkers)
        } else if view.queued == 0 {
            desired -= view.idleWorkers(atLeast: idleTimeout)
        }
        return min(max(desired, minReplicas), maxReplicas)
    }
}
