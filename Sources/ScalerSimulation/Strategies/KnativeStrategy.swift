import ScalerCore

/// Knative Serving's KPA with its defaults (knative.dev "Configuring the autoscaler"; the decider in
/// pkg/autoscaler/scaling/autoscaler.go): average concurrency over a 60 s stable and a 6 s panic
/// window, 70% target utilization, a tick of 2 s, panic when the panic window asks for 200% of the
/// ready pods (then never scale down until 60 s without panic), scale-down at most halving per
/// tick, scale-up at most 1000x, and a 30 s grace before the last pod goes.
public struct KnativeStrategy: ScalingStrategy {
    public let containerConcurrency: Double
    public let minReplicas: Int
    public let maxReplicas: Int
    public let interval: Double = 2
    public let utilization: Double
    public let stableWindow: Double
    /// Knative's panic window is a percentage of the stable one: 10% by default.
    var panicWindow: Double { stableWindow / 10 }
    let panicThreshold = 2.0
    let maxScaleUpRate = 1_000.0
    let maxScaleDownRate = 2.0
    let scaleToZeroGrace: Double = 30
    private var window: ConcurrencyWindow
    private var panicSince: Double?
    private var maxPanicPods = 0
    private var wantedZeroSince: Double?

    public init(containerConcurrency: Double, minReplicas: Int, maxReplicas: Int, utilization: Double = 0.7, stableWindow: Double = 60) {
        self.containerConcurrency = containerConcurrency
        self.utilization = utilization
        self.stableWindow = stableWindow
        self.minReplicas = minReplicas
        self.maxReplicas = max(minReplicas, maxReplicas)
        window = ConcurrencyWindow(longest: stableWindow)
    }

    public var name: String { "knative-kpa" }
    public var summary: String {
        "target \(CompactNumber.text(containerConcurrency)) x \(CompactNumber.text(utilization * 100))%, stable \(CompactNumber.text(stableWindow))s, panic \(CompactNumber.text(panicWindow))s at 200%, tick 2s, replicas \(minReplicas)-\(maxReplicas)"
    }
    public var initialReplicas: Int { minReplicas }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int {
        window.record(view)
        let target = containerConcurrency * utilization
        let ready = Double(max(1, view.readyWorkers))
        let upLimit = Int((maxScaleUpRate * ready).rounded(.up))
        let downLimit = Int((ready / maxScaleDownRate).rounded(.down))
        func bounded(_ average: Double) -> Int {
            min(max(Int((average / target).rounded(.up)), downLimit), upLimit)
        }
        let stable = bounded(window.average(over: stableWindow))
        let panic = bounded(window.average(over: panicWindow))

        if Double(panic) / ready >= panicThreshold {
            panicSince = view.time
        } else if let since = panicSince, view.time >= since + stableWindow {
            panicSince = nil
            maxPanicPods = 0
        }
        var desired = stable
        if panicSince != nil {
            desired = max(panic, maxPanicPods)
            maxPanicPods = desired
        }
        if desired == 0 {
            let since = wantedZeroSince ?? view.time
            wantedZeroSince = since
            if view.time - since < scaleToZeroGrace { desired = min(1, view.replicas) }
        } else {
            wantedZeroSince = nil
        }
        return min(max(desired, minReplicas), maxReplicas)
    }
}
