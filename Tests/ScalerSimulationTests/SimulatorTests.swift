import Foundation
import ScalerCore
import ScalerSimulation
import Testing

/// A fixed replica count, for checking the worker model by hand.
struct Fixed: ScalingStrategy {
    var replicas: Int
    var warm: Int
    var name: String { "fixed" }
    var summary: String { "" }
    var interval: Double { 1 }
    var initialReplicas: Int { warm }
    mutating func desiredReplicas(_ view: ClusterView) -> Int { replicas }
}

func trace(_ requests: [(arrival: Double, service: Double)]) -> Trace {
    Trace(name: "hand", requests: requests.map { TraceRequest(arrival: $0.arrival, serviceTime: $0.service) })
}

@Suite struct WorkerModelByHand {
    private let model = WorkerModel(coldStart: .fixed(30), concurrency: 1, providerIdleTimeout: 5)

    @Test func aSingleRequestFromZeroWaitsOneColdStartAndIsBilledFromTheRequest() {
        let result = Simulator(trace: trace([(0, 10)]), model: model, delayTarget: 2)
            .run(RunPodRequestCountStrategy(requestsPerWorker: 1, idleTimeout: 5, minReplicas: 0, maxReplicas: 5))
        #expect(result.waitMax == 30)
        #expect(result.coldStarts == 1)
        #expect(result.workerSeconds == 40, "requested at 0, ready at 30, served until 40")
        #expect(result.overTarget == 1)
    }

    @Test func aWarmWorkerServesAtOnce() {
        let result = Simulator(trace: trace([(0, 10)]), model: model, delayTarget: 2).run(Fixed(replicas: 1, warm: 1))
        #expect(result.waitMax == 0)
        #expect(result.coldStarts == 0)
        #expect(result.workerSeconds == 10)
    }

    @Test func aBurstQueuesForTheSlotsThereAre() {
        let burst = trace([(0, 10), (0, 10), (0, 10), (0, 10)])
        let result = Simulator(trace: burst, model: WorkerModel(coldStart: .fixed(30), concurrency: 2), delayTarget: 2)
            .run(RunPodRequestCountStrategy(requestsPerWorker: 2, idleTimeout: 5, minReplicas: 0, maxReplicas: 5))
        #expect(result.peakReplicas == 2)
        #expect(result.waitP50 == 30 && result.waitMax == 30)
        #expect(result.workerSeconds == 80)
    }

    @Test func oneWarmWorkerServesABurstInTurn() {
        let burst = trace([(0, 10), (0, 10), (0, 10)])
        let result = Simulator(trace: burst, model: model, delayTarget: 2).run(Fixed(replicas: 1, warm: 1))
        #expect(result.waitMax == 20)
        #expect(result.waitP50 == 10)
        #expect(result.workerSeconds == 30)
    }

    @Test func anIdleGapLongerThanTheProviderIdleTimeoutCostsASecondColdStart() {
        let gap = trace([(0, 10), (100, 10)])
        let result = Simulator(trace: gap, model: model, delayTarget: 2)
            .run(RunPodRequestCountStrategy(requestsPerWorker: 1, idleTimeout: 5, minReplicas: 0, maxReplicas: 5))
        #expect(result.coldStarts == 2)
        #expect(result.waitMax == 30 && result.waitP50 == 30)
        // Released at the 2 s check after 5 s idle (t = 46), then again requested at 100 until 140.
        #expect(result.workerSeconds == 46 + 40)
    }

    @Test func scalerdKeepsTheWorkerThroughAGapShorterThanItsIdleTimeout() {
        let gap = trace([(0, 10), (100, 10)])
        let policy = ScalingPolicy(type: .queue, value: 2, maxReplicas: 5, idleTimeout: 300)
        let result = Simulator(trace: gap, model: model, delayTarget: 2).run(ScalerdStrategy(policy: policy, tick: 5))
        #expect(result.coldStarts == 1)
        #expect(result.waitMax == 30 && result.waitP50 == 0)
        #expect(result.workerSeconds == 110)
    }

    @Test func aStrategyThatNeverStartsAWorkerLeavesRequestsUnservedInsteadOfHanging() {
        var simulator = Simulator(trace: trace([(0, 1)]), model: model, delayTarget: 2)
        simulator.giveUpAfter = 60
        let result = simulator.run(Fixed(replicas: 0, warm: 0))
        #expect(result.unserved == 1)
        #expect(result.overTarget == 1)
    }

    @Test func drainingWorkersFinishTheirRequestsAndAreBilledUntilThen() {
        struct DropAfterStart: ScalingStrategy {
            var name: String { "drop" }
            var summary: String { "" }
            var interval: Double { 1 }
            var initialReplicas: Int { 1 }
            mutating func desiredReplicas(_ view: ClusterView) -> Int { view.time >= 1 ? 0 : 1 }
        }
        let result = Simulator(trace: trace([(0, 10)]), model: model, delayTarget: 2).run(DropAfterStart())
        #expect(result.waitMax == 0)
        #expect(result.workerSeconds == 10, "the busy worker drains rather than dropping its request")
    }

    @Test func theSameInputsGiveTheSameResult() {
        let bursty = BurstyTraceGenerator(duration: 1_800, seed: 4).generate()
        let simulator = Simulator(trace: bursty, model: WorkerModel(coldStart: .uniform(10, 60), concurrency: 4), seed: 7, delayTarget: 2)
        let policy = ScalingPolicy(type: .concurrency, value: 3, maxReplicas: 20, maxConcurrentPerWorker: 4)
        #expect(simulator.run(ScalerdStrategy(policy: policy, tick: 5)) == simulator.run(ScalerdStrategy(policy: policy, tick: 5)))
        var reseeded = simulator
        reseeded.seed = 8
        #expect(reseeded.run(ScalerdStrategy(policy: policy, tick: 5)).workerSeconds != simulator.run(ScalerdStrategy(policy: policy, tick: 5)).workerSeconds)
    }
}

@Suite struct OracleLowerBound {
    @Test func itIntegratesBusySlotsRoundedUpToWorkers() {
        let overlapping = trace([(0, 10), (5, 10)])
        let single = LowerBound(trace: overlapping, model: WorkerModel(concurrency: 1))
        #expect(single.workerSeconds == 20 && single.peakWorkers == 2)
        let shared = LowerBound(trace: overlapping, model: WorkerModel(concurrency: 2))
        #expect(shared.workerSeconds == 15 && shared.peakWorkers == 1)
    }

    @Test func aSlotFreedIsReusedAtTheSameInstant() {
        let backToBack = LowerBound(trace: trace([(0, 5), (5, 5)]), model: WorkerModel(concurrency: 1))
        #expect(backToBack.workerSeconds == 10 && backToBack.peakWorkers == 1)
    }

    @Test func noPolicyBeatsTheBound() {
        let bursty = BurstyTraceGenerator(duration: 3_600, seed: 2).generate()
        let simulator = Simulator(trace: bursty, model: WorkerModel(coldStart: .fixed(20), concurrency: 2), delayTarget: 2)
        let policy = ScalingPolicy(type: .queue, value: 2, maxReplicas: 50, maxConcurrentPerWorker: 2)
        let bounds = simulator.bounds(minReplicas: 0)
        let runner = SimulationRunner(simulator: simulator, policy: policy, endpointName: "e", tick: 5)
        for strategy in runner.strategies(lowerBound: bounds.oracle) {
            let result = simulator.run(strategy, bounds: bounds)
            #expect(result.lowerBoundRatio >= 1, "\(result.name)")
        }
    }

    @Test func staticProvisioningAtThePeakNeverQueues() {
        let smooth = trace((0..<200).map { (Double($0) * 0.5, 3) })
        let simulator = Simulator(trace: smooth, model: WorkerModel(concurrency: 1), delayTarget: 2)
        let result = simulator.run(StaticStrategy(replicas: simulator.lowerBound.peakWorkers))
        #expect(result.waitMax == 0)
        #expect(result.coldStarts == 0)
    }
}

@Suite struct BudgetInSimulation {
    @Test func aBindingBudgetCapsTheWorkersAndTheReportShowsWhatItCosts() {
        // 20 requests/s of 1 s each, one per worker: about 20 workers wanted.
        var requests: [TraceRequest] = []
        for second in 0..<600 { requests += repeatElement(TraceRequest(arrival: Double(second), serviceTime: 1), count: 20) }
        let model = WorkerModel(coldStart: .fixed(10), concurrency: 1, pricePerWorkerHour: 2)
        let simulator = Simulator(trace: Trace(name: "step", requests: requests), model: model, delayTarget: 2)
        var policy = ScalingPolicy(type: .concurrency, value: 1, maxReplicas: 40)
        let free = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        policy.budget = SpendBudget(pricePerWorkerHour: 2, maxSpendPerHour: 16)
        let capped = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        #expect(free.peakReplicas > 8)
        #expect(capped.peakReplicas == 8, "$16 an hour at $2 pays for 8 workers")
        #expect(capped.cost! < free.cost!)
        #expect(capped.overTarget > free.overTarget)
    }
}

@Suite struct RateLimitInSimulation {
    @Test func aPercentRateLimitSpreadsTheScaleUpOfAStepBurst() {
        var requests: [TraceRequest] = []
        for second in 0..<300 { requests += repeatElement(TraceRequest(arrival: Double(second), serviceTime: 1), count: second < 60 ? 2 : 30) }
        let simulator = Simulator(trace: Trace(name: "step", requests: requests), model: WorkerModel(coldStart: .fixed(10), concurrency: 1), delayTarget: 2)
        var policy = ScalingPolicy(type: .concurrency, value: 1, maxReplicas: 60)
        let unlimited = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        policy.scaleUp = DirectionBehavior(stabilization: 0, maxPercent: 50, period: 30)
        let limited = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        // Unlimited, the backlog of the first cold start asks for every worker at once; limited,
        // the count grows by half every 30 s: more steps, fewer worker-seconds, more waiting.
        #expect(limited.scaleEvents > unlimited.scaleEvents)
        #expect(limited.workerSeconds < unlimited.workerSeconds)
        #expect(limited.overTarget > unlimited.overTarget)
    }
}

@Suite struct ScheduleInSimulation {
    @Test func aDailyWindowKeepsWorkersWarmAtNineLocalOnBothSidesOfADaylightSavingChange() throws {
        // A request every ten minutes for three days from Saturday 2026-03-07 00:00 UTC; New York
        // springs forward on Sunday 2026-03-08.
        let requests = stride(from: 0.0, to: 3 * 86_400, by: 600).map { TraceRequest(arrival: $0, serviceTime: 1) }
        let epoch = try Date("2026-03-07T00:00:00Z", strategy: .iso8601)
        var policy = ScalingPolicy(type: .concurrency, value: 1, maxReplicas: 10, idleTimeout: 60, scaleDown: DirectionBehavior(stabilization: 60))
        policy.schedules = [ScheduleWindow(name: "mornings", startMinute: 9 * 60, endMinute: 10 * 60, timeZoneIdentifier: "America/New_York", minReplicas: 3)]
        let recording = Recording(inner: ScalerdStrategy(policy: policy, tick: 5, epoch: epoch))
        _ = Simulator(trace: Trace(name: "sparse", requests: requests), model: WorkerModel(coldStart: .fixed(10)), delayTarget: 2).run(recording)
        let ticks = recording.log.all
        func desired(atUTC hour: Double, day: Double) -> Int? {
            ticks.last { $0.time <= day * 86_400 + hour * 3_600 + 300 }?.desired
        }
        // 09:05 EST is 14:05 UTC on Saturday; 09:05 EDT is 13:05 UTC on Monday.
        #expect(desired(atUTC: 14, day: 0) == 3)
        #expect(desired(atUTC: 13, day: 2) == 3)
        #expect(desired(atUTC: 13, day: 0) != 3, "08:05 EST: the window is not open yet")
        #expect(desired(atUTC: 14, day: 2) != 3, "10:05 EDT: the window has closed")
    }
}
