/// An autoscaler under simulation: scalerd's own policy or a baseline. It is asked for a replica
/// count every `interval` seconds and sees only what a real autoscaler could measure.
public protocol ScalingStrategy: Sendable {
    /// Short, stable name used in reports (`scalerd`, `hpa`, `knative-kpa`, ...).
    var name: String { get }
    /// The parameters it runs with, for the report.
    var summary: String { get }
    var interval: Double { get }
    /// Warm workers at the start of the trace.
    var initialReplicas: Int { get }
    mutating func desiredReplicas(_ view: ClusterView) -> Int
}

/// What a strategy sees at one tick.
public struct ClusterView {
    public let time: Double
    /// Workers asked for and not being released (cold, ready or busy).
    public private(set) var replicas: Int
    public let readyWorkers: Int
    public let startingWorkers: Int
    public let inFlight: Int
    public let queued: Int
    /// How long the oldest waiting request has waited.
    public let oldestWait: Double
    /// ∫ (in flight + queued) dt since the start: windows of average concurrency are differences.
    public let concurrencyIntegral: Double
    private let engine: SimulationEngine

    init(engine: SimulationEngine) {
        self.engine = engine
        time = engine.now
        replicas = engine.nonDraining
        readyWorkers = engine.readyCount
        startingWorkers = engine.startingCount
        inFlight = engine.inFlight
        queued = engine.queuedCount
        oldestWait = engine.oldestWait
        concurrencyIntegral = engine.concurrencyIntegral
    }

    public var concurrency: Int { inFlight + queued }

    /// The same view with the replica count a provider reports in place of the fleet's: under
    /// `control: floor` that is the floor scalerd pushed, not the workers its scaler added.
    func reporting(replicas: Int) -> ClusterView {
        var view = self
        view.replicas = replicas
        return view
    }

    /// Requests that have waited longer than `seconds` and still wait.
    public func waiting(longerThan seconds: Double) -> Int {
        engine.waiting(longerThan: seconds)
    }

    /// Ready workers that have served nothing for at least `seconds`.
    public func idleWorkers(atLeast seconds: Double) -> Int {
        engine.idleWorkers(atLeast: seconds)
    }
}
