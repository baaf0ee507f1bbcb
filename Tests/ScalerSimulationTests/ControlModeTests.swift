import Foundation
import ScalerCore
import ScalerPorts
import Testing
@testable import ScalerSimulation

/// scalerd as production runs it: its decision pushed as the provider's floor (or as the whole
/// fleet), the provider's own scaler working between scalerd's ticks with what was pushed.
@Suite struct ControlModeInTheSimulator {
    /// Four requests at 5 s that no tick sees before 60 s, and one at 200 s that outlives the
    /// provider's idle timeout.
    let requests = trace([(5, 10), (5, 10), (5, 10), (5, 10), (200, 1)])
    let model = WorkerModel(coldStart: .fixed(30), concurrency: 1)

    func run(_ control: ControlMode) -> PolicyResult {
        let policy = ScalingPolicy(type: .queue, value: 2, maxReplicas: 10, idleTimeout: 300, providerIdleTimeout: 40, control: control)
        let strategy = ProviderControlledStrategy(scalerd: ScalerdStrategy(policy: policy, tick: 60), providerIdleTimeout: 5, perWorker: 1)
        return Simulator(trace: requests, model: model, delayTarget: 2).run(strategy)
    }

    @Test func underFloorTheProviderAddsWorkersBetweenScalerdsTicks() {
        let floor = run(.floor)
        // With no worker running, the provider's scaler starts workers for what waits at its
        // first check after the arrivals (6 s): ready at 36.
        #expect(floor.waitMax == 31)
        #expect(floor.timeline.filter { (10..<86).contains($0.start) }.allSatisfy { $0.replicas == 4 })
        let exact = run(.exact)
        #expect(exact.waitMax >= 85, "with min = max nothing moves before scalerd's tick at 60 s")
    }

    @Test func workersTheProviderAddedLeaveAfterThePushedIdleTimeout() {
        let floor = run(.floor)
        // Idle from 46 s; the pushed 40 s per-worker timeout releases them at the 86 s check.
        #expect(floor.timeline.first { $0.start == 85 }?.replicas == 4)
        #expect(floor.timeline.filter { (87..<200).contains($0.start) }.allSatisfy { $0.replicas == 0 })
        #expect(floor.workerSeconds == 4 * (86 - 6) + (231 - 200))
    }

    @Test func theSummarySaysWhatRunsAboveTheFloor() {
        let policy = ScalingPolicy(type: .concurrency, value: 3, maxReplicas: 10, idleTimeout: 120, maxConcurrentPerWorker: 4)
        let strategy = ProviderControlledStrategy(scalerd: ScalerdStrategy(policy: policy, tick: 5), providerIdleTimeout: 5, perWorker: 4)
        #expect(strategy.summary.hasSuffix("control floor (provider request_count 3, idle 120s per worker)"))
        #expect(strategy.interval == 5.0 / 3, "three provider checks per 5 s tick, none more than 2 s apart")
    }

    @Test func anAPIWithNoIdleTimeoutForRequestCountsLeavesTheProvidersOwn() {
        var limits = ProviderControlledStrategy.anyProvider
        limits.idleTimeoutWithRequestCount = false
        let policy = ScalingPolicy(type: .concurrency, value: 3, maxReplicas: 10, idleTimeout: 120, maxConcurrentPerWorker: 4)
        let strategy = ProviderControlledStrategy(scalerd: ScalerdStrategy(policy: policy, tick: 5), limits: limits, providerIdleTimeout: 5, perWorker: 4)
        #expect(strategy.summary.hasSuffix("idle 5s per worker)"))
    }
}
