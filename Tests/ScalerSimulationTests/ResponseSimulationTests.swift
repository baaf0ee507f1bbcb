import Foundation
import ScalerCore
import ScalerSimulation
import Testing

/// Requests per second, one second at a time, each served in `service` seconds.
private func steps(_ rates: [(seconds: Int, perSecond: Int)], service: Double) -> Trace {
    var requests: [TraceRequest] = []
    var second = 0
    for (seconds, perSecond) in rates {
        for _ in 0..<seconds {
            requests += (0..<perSecond).map { TraceRequest(arrival: Double(second) + Double($0) / Double(perSecond), serviceTime: service) }
            second += 1
        }
    }
    return Trace(name: "steps", requests: requests)
}

@Suite struct BurstResponseInSimulation {
    @Test func aBurstIsMetAtOnceDespiteAScaleUpWindow() {
        // A calm minute, then ten times the load: a 30 s scale-up window alone makes the surge
        // wait for it.
        let trace = steps([(120, 2), (180, 20)], service: 2)
        let simulator = Simulator(trace: trace, model: WorkerModel(coldStart: .fixed(10), concurrency: 2), delayTarget: 2)
        var policy = ScalingPolicy(type: .concurrency, value: 2, minReplicas: 1, maxReplicas: 40, maxConcurrentPerWorker: 2,
                                   scaleUp: DirectionBehavior(stabilization: 30))
        let windowed = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        policy.burst = BurstPolicy()
        let bursting = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        #expect(bursting.overTarget < windowed.overTarget)
        #expect(bursting.waitP99 < windowed.waitP99)
    }
}

@Suite struct LookAheadInSimulation {
    private let model = WorkerModel(coldStart: .fixed(30), concurrency: 8)

    @Test func theColdStartBacklogIsLeftToTheStartingWorkersInsteadOfAskingForTheMaximum() {
        // Quiet, then a step to 12 requests/s of 4 s each (6 workers' worth), twice.
        let trace = steps([(300, 0), (1, 1), (120, 12), (600, 0), (1, 1), (120, 12)], service: 4)
        let simulator = Simulator(trace: trace, model: model, delayTarget: 2)
        var policy = ScalingPolicy(type: .queue, value: 2, minReplicas: 1, maxReplicas: 40, maxConcurrentPerWorker: 8)
        let plain = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        policy.lookAhead = LookAheadPolicy()
        let lookingAhead = simulator.run(ScalerdStrategy(policy: policy, tick: 5))
        #expect(plain.peakReplicas == 40, "the backlog of the cold start asks for every worker allowed")
        #expect(lookingAhead.peakReplicas < 30)
        #expect(lookingAhead.workerSeconds < plain.workerSeconds * 0.8)
        #expect(lookingAhead.overTarget <= plain.overTarget * 1.1)
    }
}

@Suite struct AdaptiveIdleInSimulation {
    private let model = WorkerModel(coldStart: .fixed(30), concurrency: 1)

    private func periodic(every gap: Double, count: Int) -> Trace {
        Trace(name: "periodic", requests: (0..<count).map { TraceRequest(arrival: Double($0) * gap, serviceTime: 2) })
    }

    private func policy(idleTimeout: Double, adaptive: Bool) -> ScalingPolicy {
        var policy = ScalingPolicy(type: .concurrency, value: 1, maxReplicas: 4, idleTimeout: idleTimeout,
                                   scaleDown: DirectionBehavior(stabilization: 0))
        policy.adaptiveIdle = adaptive ? AdaptiveIdlePolicy(minimum: 10, maximum: 300) : nil
        return policy
    }

    @Test func gapsThatUsuallyEndSoonAreBridgedWithAWarmWorker() {
        // A request every 100 s; a fixed 60 s timeout lets the worker go before each one.
        let simulator = Simulator(trace: periodic(every: 100, count: 60), model: model, delayTarget: 2)
        let fixed = simulator.run(ScalerdStrategy(policy: policy(idleTimeout: 60, adaptive: false), tick: 5))
        let adaptive = simulator.run(ScalerdStrategy(policy: policy(idleTimeout: 60, adaptive: true), tick: 5))
        #expect(fixed.coldStarts >= 55)
        #expect(adaptive.coldStarts <= 10, "once five gaps are learned, the worker stays through them")
        #expect(adaptive.overTarget < fixed.overTarget / 4)
    }

    @Test func gapsThatUsuallyOutlastTheMaximumReleaseTheWorkerEarly() {
        // A request every 600 s; a fixed 300 s timeout pays for 300 idle seconds each time and
        // still meets every request cold.
        let simulator = Simulator(trace: periodic(every: 600, count: 30), model: model, delayTarget: 2)
        let fixed = simulator.run(ScalerdStrategy(policy: policy(idleTimeout: 300, adaptive: false), tick: 5))
        let adaptive = simulator.run(ScalerdStrategy(policy: policy(idleTimeout: 300, adaptive: true), tick: 5))
        #expect(adaptive.coldStarts == fixed.coldStarts)
        #expect(adaptive.workerSeconds < fixed.workerSeconds / 3)
    }
}
