import Foundation
import ScalerCore
import Synchronization
import Testing
@testable import ScalerSimulation

/// The service-level policy over hours of traffic: it follows a change in burstiness and settles
/// on steady traffic.
@Suite struct ServiceLevelInTheSimulator {
    let model = WorkerModel(coldStart: .fixed(30), concurrency: 8)
    let policy: ScalingPolicy = {
        var policy = ScalingPolicy(type: .queue, value: 2, maxReplicas: 40, idleTimeout: 30, maxConcurrentPerWorker: 8, control: .exact)
        policy.slo = ServiceLevelObjective(wait: 2, overTarget: 0.01)
        return policy
    }()

    /// Every decision, for what the policy learned along the way.
    final class Recorder: Sendable {
        let decisions = Mutex<[(time: Double, decision: Decision)]>([])
    }

    struct Recording: ScalingStrategy {
        var scalerd: ScalerdStrategy
        let recorder: Recorder
        var name: String { scalerd.name }
        var summary: String { scalerd.summary }
        var interval: Double { scalerd.interval }
        var initialReplicas: Int { scalerd.initialReplicas }

        mutating func desiredReplicas(_ view: ClusterView) -> Int {
            let decision = scalerd.decide(view)
            recorder.decisions.withLock { $0.append((view.time, decision)) }
            return decision.desiredReplicas
        }
    }

    func run(_ trace: Trace, overTarget: Double = 0.01) -> [(time: Double, decision: Decision)] {
        let recorder = Recorder()
        var policy = policy
        policy.slo?.overTarget = overTarget
        _ = Simulator(trace: trace, model: model, delayTarget: 2).run(Recording(scalerd: ScalerdStrategy(policy: policy, tick: 5), recorder: recorder))
        return recorder.decisions.withLock { $0 }
    }

    /// Replicas kept with nothing queued or running: the headroom alone.
    func quietFloor(_ decisions: [(time: Double, decision: Decision)], in range: Range<Double>) -> [Int] {
        decisions.filter { range.contains($0.time) && $0.decision.clamps.first?.kind == .headroom && $0.decision.rawRecommendation == 0 }
            .map(\.decision.desiredReplicas)
    }

    @Test func theHeadroomFollowsBurstsThatGrowWithinOneSLOWindow() {
        let half = 3 * 3600.0
        let gentle = BurstyTraceGenerator(duration: half, seed: 7, burstRate: 2).generate().requests
        let fierce = BurstyTraceGenerator(duration: half, seed: 8, burstRate: 12).generate().requests
            .map { TraceRequest(arrival: $0.arrival + half, promptTokens: $0.promptTokens, outputTokens: $0.outputTokens) }
        let decisions = run(Trace(name: "burstiness doubles", requests: gentle + fierce))
        let before = quietFloor(decisions, in: 3600..<half).max() ?? 0
        let after = quietFloor(decisions, in: (half + 3600)..<(2 * half)).min() ?? 0
        #expect(after >= 2 * before, "within one SLO window of the change the warm floor covers the larger bursts")
    }

    @Test func onSteadyTrafficTheFeedbackSettles() {
        let decisions = run(BurstyTraceGenerator(duration: 12 * 3600, seed: 5).generate())
        var steps: [(time: Double, scale: Double)] = []
        var scale = 1.0
        for (time, decision) in decisions {
            guard let next = decision.nextState.serviceLevel?.scale, next != scale else { continue }
            steps.append((time, next))
            scale = next
        }
        let tightenings = zip([1.0] + steps.map(\.scale), steps).filter { $1.scale > $0 }.map(\.1)
        // Settled where the SLO holds, not merely still: past the first windows, which the
        // prior covers, the share the feedback judges stays within it.
        let judged = decisions.filter { $0.time >= 2 * 3600 }.compactMap { $0.decision.nextState.learned(under: policy).overTargetShare }
        #expect(!judged.isEmpty && judged.allSatisfy { $0 <= 0.01 }, "worst hour: \(judged.max() ?? -1)")
        #expect(tightenings.count <= 1, "one correction at most, no sawing: \(steps)")
        if let correction = tightenings.first, let failed = steps.last(where: { $0.time < correction.time }) {
            #expect(steps.filter { $0.time > correction.time }.allSatisfy { $0.scale > failed.scale }, "never back to the scale that failed: \(steps)")
        }
    }
}
