/// Runs strategies over a trace on the worker model. Deterministic: the same trace, model, seed
/// and strategy give the same result, bit for bit.
public struct Simulator: Sendable {
    public var trace: Trace
    public var model: WorkerModel
    public var seed: UInt64
    /// Requests that waited longer than this count as over target.
    public var delayTarget: Double
    /// How long past the last arrival a run may go on serving before it gives up on the queue.
    public var giveUpAfter: Double = 86_400

    public init(trace: Trace, model: WorkerModel, seed: UInt64 = 1, delayTarget: Double) {
        self.trace = trace
        self.model = model
        self.seed = seed
        self.delayTarget = delayTarget
    }

    public var lowerBound: LowerBound { LowerBound(trace: trace, model: model) }

    /// Both bounds, the clairvoyant one for a floor of `minReplicas` always-on workers.
    public func bounds(minReplicas: Int) -> SimulationBounds {
        SimulationBounds(trace: trace, model: model, minReplicas: minReplicas)
    }

    /// `progress` is called now and then with the share of arrivals simulated. Without `bounds`,
    /// the ratios are to the bounds with no floor.
    public func run<Strategy: ScalingStrategy>(
        _ strategy: Strategy, bounds: SimulationBounds? = nil, progress: ((Double) -> Void)? = nil
    ) -> PolicyResult {
        var strategy = strategy
        let engine = SimulationEngine(trace: trace, model: model, seed: seed)
        let count = engine.arrivals.count
        let lastArrival = engine.arrivals.last ?? 0
        engine.provisionWarm(strategy.initialReplicas)

        var nextArrival = 0
        var nextTick = 0.0
        var asked = strategy.initialReplicas
        var scaleEvents = 0
        while nextArrival < count || engine.inFlight > 0 || engine.queuedCount > 0 {
            let arrivalTime = nextArrival < count ? engine.arrivals[nextArrival] : .infinity
            let eventTime = engine.nextEventTime ?? .infinity
            if eventTime <= arrivalTime && eventTime <= nextTick {
                engine.processNextEvent()
            } else if arrivalTime <= nextTick {
                engine.advance(to: arrivalTime)
                engine.arrive(nextArrival)
                nextArrival += 1
                if nextArrival & 0xFFFF == 0 { progress?(Double(nextArrival) / Double(count)) }
            } else {
                guard nextTick <= lastArrival + giveUpAfter else { break }
                engine.advance(to: nextTick)
                let desired = max(0, strategy.desiredReplicas(ClusterView(engine: engine)))
                if desired != asked { scaleEvents += 1 }
                asked = desired
                engine.setReplicas(desired)
                nextTick += strategy.interval
            }
        }
        progress?(1)
        return summarize(engine, strategy: strategy, scaleEvents: scaleEvents, bounds: bounds ?? self.bounds(minReplicas: 0))
    }

    private func summarize<Strategy: ScalingStrategy>(
        _ engine: SimulationEngine, strategy: Strategy, scaleEvents: Int, bounds: SimulationBounds
    ) -> PolicyResult {
        let served = engine.waits.filter { $0 >= 0 }
        let unserved = engine.waits.count - served.count
        let sorted = served.sorted()
        var timeline = engine.timeline
        timeline.noteWaits(arrivals: engine.arrivals, waits: engine.waits)
        let over = served.reduce(0) { $0 + (Double($1) > delayTarget ? 1 : 0) } + unserved
        let workerSeconds = engine.billedSeconds
        return PolicyResult(
            name: strategy.name,
            summary: strategy.summary,
            workerSeconds: workerSeconds,
            cost: model.pricePerWorkerHour.map { $0 * workerSeconds / 3_600 },
            coldStarts: engine.coldStarts,
            scaleEvents: scaleEvents,
            peakReplicas: engine.peakReplicas,
            requests: engine.waits.count,
            unserved: unserved,
            waitP50: Percentile.of(sorted, 0.50),
            waitP95: Percentile.of(sorted, 0.95),
            waitP99: Percentile.of(sorted, 0.99),
            waitMax: Double(sorted.last ?? 0),
            meanWait: sorted.isEmpty ? 0 : sorted.reduce(0.0) { $0 + Double($1) } / Double(sorted.count),
            overTarget: engine.waits.isEmpty ? 0 : Double(over) / Double(engine.waits.count),
            lowerBoundRatio: bounds.oracle.workerSeconds > 0 ? workerSeconds / bounds.oracle.workerSeconds : 0,
            clairvoyantRatio: bounds.clairvoyant.workerSeconds > 0 ? workerSeconds / bounds.clairvoyant.workerSeconds : 0,
            duration: engine.now,
            timeline: timeline.points
        )
    }
}
