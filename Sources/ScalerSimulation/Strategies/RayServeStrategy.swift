import ScalerCore

/// Ray Serve's request-based autoscaler with its defaults (docs.ray.io, "Ray Serve Autoscaling";
/// python/ray/serve/autoscaling_policy.py): desired = ceil(ongoing requests averaged over a 30 s
/// look-back / target 2 per replica); a scale-up must be wanted for 30 s in a row and a scale-down
/// for 600 s in a row; at least one replica. Evaluated every second here (Ray's loop runs every
/// 0.1 s; the delays, not the loop, set its pace).
public struct RayServeStrategy: ScalingStrategy {
    public let targetOngoing: Double
    public let minReplicas: Int
    public let maxReplicas: Int
    public let interval: Double = 1
    let lookBack: Double = 30
    let upscaleDelay: Double = 30
    public let downscaleDelay: Double
    private var window = ConcurrencyWindow(longest: 30)
    /// Consecutive ticks wanting up (positive) or down (negative).
    private var streak = 0

    public init(targetOngoing: Double, minReplicas: Int, maxReplicas: Int, downscaleDelay: Double = 600) {
        self.targetOngoing = targetOngoing
        self.downscaleDelay = downscaleDelay
        self.minReplicas = max(1, minReplicas)
        self.maxReplicas = max(self.minReplicas, maxReplicas)
    }

    public var name: String { "ray-serve" }
    public var summary: String {
        "target \(CompactNumber.text(targetOngoing)) ongoing per replica, look-back 30s, upscale delay 30s, downscale delay \(CompactNumber.text(downscaleDelay))s, replicas \(minReplicas)-\(maxReplicas)"
    }
    public var initialReplicas: Int { minReplicas }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int {
        window.record(view)
        let current = view.replicas
        let wanted = min(max(Int((window.average(over: lookBack) / targetOngoing).rounded(.up)), minReplicas), maxReplicas)
        if wanted > current {
            streak = max(streak, 0) + 1
            if Double(streak) * interval >= upscaleDelay {
                streak = 0
                return wanted
            }
        } else if wanted < current {
            streak = min(streak, 0) - 1
            if Double(-streak) * interval >= downscaleDelay {
                streak = 0
                return wanted
            }
        } else {
            streak = 0
        }
        return min(max(current, minReplicas), maxReplicas)
    }
}
