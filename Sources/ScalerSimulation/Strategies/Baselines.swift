import ScalerCore

/// The anchors every scalerd policy is measured against, each with its published defaults and the
/// endpoint's own capacity and bounds.
public enum Baselines {
    public static func all(policy: ScalingPolicy, model: WorkerModel, lowerBound: LowerBound) -> [any ScalingStrategy] {
        // What "one worker's worth" of load is for the concurrency-driven anchors.
        let perWorker = policy.type == .concurrency ? policy.value : Double(model.concurrency)
        let min = policy.minReplicas, max = policy.maxReplicas
        return [
            StaticStrategy(replicas: Swift.min(lowerBound.peakWorkers, max)),
            HPAStrategy(targetPerWorker: perWorker, minReplicas: min, maxReplicas: max),
            KnativeStrategy(containerConcurrency: perWorker, minReplicas: min, maxReplicas: max),
            RunPodQueueDelayStrategy(
                threshold: policy.type == .queue ? policy.value : 4, idleTimeout: model.providerIdleTimeout,
                perWorker: model.concurrency, minReplicas: min, maxReplicas: max
            ),
            RunPodRequestCountStrategy(requestsPerWorker: perWorker, idleTimeout: model.providerIdleTimeout, minReplicas: min, maxReplicas: max),
            RayServeStrategy(targetOngoing: Swift.min(2, Double(model.concurrency)), minReplicas: min, maxReplicas: max),
        ]
    }
}
