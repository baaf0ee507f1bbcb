import Synchronization
import ScalerCore
import ScalerSimulation
import Testing

/// Wraps a strategy and keeps every tick's view and answer, so that tests can read its steps.
struct Recording<Inner: ScalingStrategy>: ScalingStrategy {
    struct Tick: Sendable { var time: Double; var replicas: Int; var ready: Int; var desired: Int }

    final class Log: Sendable {
        let ticks = Mutex<[Tick]>([])
        var all: [Tick] { ticks.withLock { $0 } }
    }

    var inner: Inner
    let log = Log()
    var name: String { inner.name }
    var summary: String { inner.summary }
    var interval: Double { inner.interval }
    var initialReplicas: Int { inner.initialReplicas }

    mutating func desiredReplicas(_ view: ClusterView) -> Int {
        let desired = inner.desiredReplicas(view)
        let tick = Tick(time: view.time, replicas: view.replicas, ready: view.readyWorkers, desired: desired)
        log.ticks.withLock { $0.append(tick) }
        return desired
    }
}

/// A step load: nothing, then `rate` requests per second of one-second service from `start`
/// until `end`. With one request per worker it needs `rate` workers.
func stepLoad(rate: Int, start: Double = 0, end: Double) -> Trace {
    var requests: [TraceRequest] = []
    var time = start
    while time < end {
        requests.append(contentsOf: repeatElement(TraceRequest(arrival: time, serviceTime: 1), count: rate))
        time += 1
    }
    return Trace(name: "step", requests: requests)
}

@Suite struct BaselinesOnAStepLoad {
    private let model = WorkerModel(coldStart: .fixed(10), concurrency: 1, providerIdleTimeout: 5)

    private func run<S: ScalingStrategy>(_ strategy: S, on trace: Trace) -> [Recording<S>.Tick] {
        let recording = Recording(inner: strategy)
        _ = Simulator(trace: trace, model: model, delayTarget: 2).run(recording)
        return recording.log.all
    }

    @Test func hpaSyncsEvery15sAndAtMostDoublesOrAddsFour() {
        let ticks = run(HPAStrategy(targetPerWorker: 1, minReplicas: 1, maxReplicas: 100), on: stepLoad(rate: 40, end: 300))
        #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1.time - $0.time == 15 })
        for tick in ticks where tick.desired > tick.replicas {
            #expect(tick.desired <= max(2 * tick.replicas, tick.replicas + 4))
        }
        #expect(ticks.prefix(4).map(\.desired) == [5, 10, 20, 40])
        #expect(ticks.contains { $0.desired >= 40 })
    }

    @Test func hpaHoldsItsPeakFor300sAfterTheLoadStopsAndNeverGoesToZero() {
        let load = Trace(name: "step", requests: stepLoad(rate: 8, end: 120).requests + [TraceRequest(arrival: 900, serviceTime: 1)])
        let ticks = run(HPAStrategy(targetPerWorker: 1, minReplicas: 0, maxReplicas: 100), on: load)
        // The load asked for 8 until it stopped at 120 s: the window keeps that for 300 s more.
        #expect(ticks.filter { $0.time > 120 && $0.time < 405 }.allSatisfy { $0.desired >= 8 })
        #expect(ticks.contains { $0.time >= 405 && $0.desired < 8 })
        #expect(ticks.allSatisfy { $0.desired >= 1 })
    }

    @Test func knativePanicsOnABurstAndScalesUpWithinOneTick() {
        let ticks = run(KnativeStrategy(containerConcurrency: 1, minReplicas: 0, maxReplicas: 100), on: stepLoad(rate: 20, end: 120))
        #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1.time - $0.time == 2 })
        // The 6 s panic window sees the burst long before the 60 s stable window would.
        let firstBig = ticks.first { $0.desired >= 20 }
        #expect(firstBig != nil && firstBig!.time <= 12)
    }

    @Test func knativeAtMostHalvesPerTickOnTheWayDown() {
        let ticks = run(KnativeStrategy(containerConcurrency: 1, minReplicas: 0, maxReplicas: 100), on: Trace(name: "s", requests: stepLoad(rate: 20, end: 120).requests + [TraceRequest(arrival: 600, serviceTime: 1)]))
        for tick in ticks where tick.desired < tick.replicas {
            #expect(tick.desired >= max(tick.ready, 1) / 2)
        }
    }

    @Test func runPodQueueDelayAddsWorkersOnlyForRequestsOverTheThreshold() {
        let ticks = run(RunPodQueueDelayStrategy(threshold: 4, idleTimeout: 5, perWorker: 1, minReplicas: 1, maxReplicas: 100), on: stepLoad(rate: 3, end: 60))
        let firstUp = ticks.first { $0.desired > $0.replicas }!
        #expect(firstUp.time >= 4, "nothing has waited 4 s before t = 4")
    }

    @Test func runPodReleasesAWorkerAfterItsIdleTimeout() {
        let ticks = run(RunPodRequestCountStrategy(requestsPerWorker: 1, idleTimeout: 5, minReplicas: 0, maxReplicas: 10), on: Trace(name: "s", requests: [TraceRequest(arrival: 0, serviceTime: 1), TraceRequest(arrival: 100, serviceTime: 1)]))
        let release = ticks.first { $0.desired < $0.replicas }!
        // Ready at 10, idle from 11, checked every 2 s.
        #expect(release.time == 16)
    }

    @Test func runPodRequestCountAsksForCeilOfLoadOverValueAtOnce() {
        let ticks = run(RunPodRequestCountStrategy(requestsPerWorker: 4, idleTimeout: 5, minReplicas: 0, maxReplicas: 100), on: stepLoad(rate: 10, end: 60))
        #expect(ticks.first!.desired == 3, "ceil(10 / 4)")
    }

    @Test func rayServeWaits30sToScaleUpAnd600sToScaleDown() {
        let load = Trace(name: "s", requests: stepLoad(rate: 10, end: 200).requests + [TraceRequest(arrival: 1_000, serviceTime: 1)])
        let ticks = run(RayServeStrategy(targetOngoing: 2, minReplicas: 1, maxReplicas: 100), on: load)
        let firstUp = ticks.first { $0.desired > $0.replicas }!
        #expect(firstUp.time >= 30)
        let firstDown = ticks.first { $0.desired < $0.replicas }
        // Wanting fewer can only begin after the first scale-up; it must last 600 s.
        #expect(firstDown != nil && firstDown!.time >= firstUp.time + 600)
    }

    @Test func staticNeverMoves() {
        let ticks = run(StaticStrategy(replicas: 7), on: stepLoad(rate: 10, end: 60))
        #expect(ticks.allSatisfy { $0.desired == 7 && $0.replicas == 7 })
    }

    @Test func everyBaselineIsNamedAsTheRunnerAdvertises() {
        let simulator = Simulator(trace: stepLoad(rate: 1, end: 10), model: model, delayTarget: 2)
        let runner = SimulationRunner(simulator: simulator, policy: .init(type: .queue, value: 2, maxReplicas: 5), endpointName: "e", tick: 5)
        #expect(runner.strategies(lowerBound: simulator.lowerBound).map(\.name) == ["scalerd"] + SimulationRunner.baselineNames)
    }
}
