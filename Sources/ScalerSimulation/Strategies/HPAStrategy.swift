import ScalerCore

/// The Kubernetes Horizontal Pod Autoscaler with its defaults (kubernetes.io, "Horizontal Pod
/// Autoscaling", algorithm details and `behavior` defaults; pkg/controller/podautoscaler):
/// desired = ceil(current × metric / target), skipped within a 10% tolerance; a 15 s sync period;
/// scale-down takes the highest recommendation of the last 300 s; scale-up at most
/// max(100%, 4 pods) per 15 s; scale-down up to 100% per 15 s. It cannot scale to zero.
public struct HPAStrategy: ScalingStrategy {
    public let targetPerWorker: Double
    public let minReplicas: Int
    public let maxReplicas: Int
    public let interval: Double = 15
    public let tolerance = 0.1
    public let downWindow: Double
    private var recommendations: [(time: Double, replicas: Int)] = []

    public init(targetPerWorker: Double, minReplicas: Int, maxReplicas: Int, downWindow: Double = 300) {
        self.targetPerWorker = targetPerWorker
        self.downWindow = downWindow
        self.minReplicas = max(1, minReplicas)
        self.maxReplicas = max(self.minReplicas, maxReplicas)
    }

    public var name: String { "k8s-hpa" }
    public var summary: String {
        "target \(CompactNumber.text(targetPerWorker)) concurrent per pod, sync 15s, tolerance 10%, scale-down window \(CompactNumber.text(downWindow))s, replicas \(minReplicas)-\(maxReplicas)"
    }
    public var initialReplicas: Int { minReplicas }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int {
        let current = max(view.replicas, 1)
        let ratio = Double(view.concurrency) / Double(current) / targetPerWorker
        let raw = abs(ratio - 1) <= tolerance ? current : Int((ratio * Double(current)).rounded(.up))
        recommendations.removeAll { $0.time <= view.time - downWindow }
        recommendations.append((view.time, raw))
        var desired = raw
        if raw < current {
            desired = min(current, recommendations.map(\.replicas).max() ?? raw)
        } else if raw > current {
            desired = min(raw, max(current * 2, current + 4))
        }
        return min(max(desired, minReplicas), maxReplicas)
    }
}
