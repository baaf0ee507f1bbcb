import Foundation
import ScalerCore
import ScalerSimulation
import Testing

/// Random policies (knobs or an SLO) against random metric streams (including outages, stale and nonsense
/// samples), checking DESIGN.md's invariants at every step.
@Suite struct PolicyInvariants {
    static let seeds: [UInt64] = Array(1...60)

    @Test(arguments: seeds)
    func holdForEveryRandomPolicyAndStream(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let policy = randomPolicy(&random)
        var state = ScalerState()
        var live = Int(random.next() % UInt64(policy.maxReplicas + 3))
        var idleSince: Date?
        for index in 0..<300 {
            let now = at(Double(index) * 2)
            let load = randomLoad(&random, now: now)
            // Now and then a provider answers a count that is nonsense.
            let read = [live, live, live, live, live, live, -7, Int.max][Int(random.next() % 8)]
            let observation = Observation(metrics: load, currentReplicas: read)
            let decision = Autoscaler.decide(state: state, observation: observation, policy: policy, now: now)
            let again = Autoscaler.decide(state: state, observation: observation, policy: policy, now: now)
            #expect(decision == again, "decide is deterministic")

            let desired = decision.desiredReplicas
            #expect((policy.minReplicas...policy.maxReplicas).contains(desired), "within min/max")
            // A nonsense read is no reading: the decision goes on from what it last decided (and
            // the daemon pushes nothing on a read it could not use).
            let plausible = Observation.plausibleReplicas.contains(read)
            #expect(plausible || decision.currentReplicas != read, "a nonsense count is never taken as the current one")
            let replicas = plausible ? live : decision.currentReplicas

            let sample = decision.metricStatus == .fresh ? observation.sample : nil
            if let sample, sample.inFlight == 0, (sample.queued ?? (sample.queueDelay == 0 ? 0 : 1)) == 0 {
                idleSince = idleSince ?? sample.takenAt
            } else {
                idleSince = nil
            }
            if decision.metricStatus != .fresh {
                #expect(desired >= min(replicas, policy.maxReplicas), "unusable metrics never scale down")
                #expect(decision.rawRecommendation == nil)
            }
            if desired == 0 && replicas > 0 {
                let idleFor = idleSince.map { now.timeIntervalSince($0) } ?? -1
                let shortestTimeout = policy.slo.map { min(decision.nextState.coldStart.estimate ?? $0.assumedColdStart, ServiceLevelObjective.longestRelease) }
                    ?? min(policy.idleTimeout, policy.adaptiveIdle?.minimum ?? .infinity)
                #expect(idleFor >= shortestTimeout, "zero only after idle_timeout (the adaptive minimum, or under an SLO one cold start) of idle evidence")
            }
            let inBounds = (policy.minReplicas...policy.maxReplicas).contains(replicas)
            // The fallback floor is a configured safe value, reached in one move.
            let fellBack = decision.clamps.contains { $0.kind == .fallback }
            if inBounds, !fellBack, let step = policy.scaleUp.maxStep, desired > replicas {
                #expect(desired - replicas <= step || desired == policy.minReplicas, "scale-up step")
            }
            if inBounds, let step = policy.scaleDown.maxStep, desired < replicas {
                #expect(replicas - desired <= step || desired == policy.maxReplicas, "scale-down step")
            }
            switch decision.action {
            case .hold: #expect(desired == decision.currentReplicas)
            case .scaleUp: #expect(desired > decision.currentReplicas)
            case .scaleDown: #expect(desired < decision.currentReplicas)
            }
            for clamp in decision.clamps { #expect(clamp.before != clamp.after) }

            state = decision.nextState
            // The provider sometimes lags behind what was pushed, as real ones do.
            live = random.next() % 5 == 0 ? live : desired
        }
    }

    private func randomPolicy(_ random: inout SplitMix64) -> ScalingPolicy {
        let minReplicas = Int(random.next() % 3)
        let maxReplicas = minReplicas + 1 + Int(random.next() % 12)
        let step = { (random: inout SplitMix64) -> Int? in random.next() % 2 == 0 ? nil : 1 + Int(random.next() % 4) }
        let burst = random.next() % 2 == 0 ? nil : BurstPolicy(window: Double(1 + random.next() % 4) * 5, threshold: 1.5 + random.unit(), hold: Double(random.next() % 7) * 10)
        let lookAhead = random.next() % 2 == 0 ? nil : LookAheadPolicy(window: Double(2 + random.next() % 10) * 10, assumedColdStart: Double(1 + random.next() % 90))
        let adaptiveIdle = random.next() % 2 == 0 ? nil : AdaptiveIdlePolicy(minimum: Double(1 + random.next() % 10), maximum: Double(10 + random.next() % 60), coverage: 0.5 + random.unit() / 2)
        let slo = random.next() % 2 == 0 ? nil : ServiceLevelObjective(
            wait: 0.5 + Double(random.next() % 8), overTarget: 0.001 + random.unit() / 10,
            window: Double(1 + random.next() % 12) * 300, assumedColdStart: Double(1 + random.next() % 90)
        )
        return ScalingPolicy(
            type: random.next() % 2 == 0 ? .queue : .concurrency,
            value: 0.5 + Double(random.next() % 8),
            minReplicas: minReplicas, maxReplicas: maxReplicas,
            idleTimeout: Double(1 + random.next() % 60),
            maxConcurrentPerWorker: 1 + Int(random.next() % 4),
            scaleUp: DirectionBehavior(stabilization: Double(random.next() % 3) * 5, maxStep: step(&random)),
            scaleDown: DirectionBehavior(stabilization: Double(random.next() % 4) * 10, maxStep: step(&random)),
            fallback: random.next() % 2 == 0 ? nil : FallbackPolicy(afterFailures: 1 + Int(random.next() % 3), replicas: minReplicas + Int(random.next() % UInt64(maxReplicas - minReplicas + 1))),
            maxMetricAge: 10,
            burst: burst, lookAhead: lookAhead, adaptiveIdle: adaptiveIdle, slo: slo
        )
    }

    private func randomLoad(_ random: inout SplitMix64, now: Date) -> MetricReading {
        func maybe(_ value: Int) -> Int? { random.next() % 8 == 0 ? nil : value }
        switch random.next() % 10 {
        case 0: return .failure(.unavailable, "down")
        case 1: return .sample(MetricSample(takenAt: now.addingTimeInterval(-30), queueDelay: 0, queued: 0, inFlight: 0))
        case 2:
            // Nonsense, including counts and delays that once overflowed the arithmetic.
            switch random.next() % 4 {
            case 0: return .sample(MetricSample(takenAt: now, queueDelay: -1, queued: -2, inFlight: 0))
            case 1: return .sample(MetricSample(takenAt: now, queueDelay: 1e300, queued: Int.max, inFlight: Int.max, readyWorkers: Int.max))
            case 2: return .sample(MetricSample(takenAt: now, queueDelay: 5, queued: Int.max / 2 + 1, inFlight: Int.max / 2 + 1))
            default: return .sample(MetricSample(takenAt: now, queueDelay: .nan, queued: Int.min, inFlight: 3))
            }
        case 3, 4: return .sample(MetricSample(takenAt: now, queueDelay: 0, queued: 0, inFlight: 0, readyWorkers: 1))
        default:
            let queued = Int(random.next() % 40)
            return .sample(MetricSample(
                takenAt: now,
                queueDelay: queued == 0 ? 0 : random.unit() * 20,
                queued: maybe(queued),
                inFlight: maybe(Int(random.next() % 30)),
                readyWorkers: maybe(Int(random.next() % 10))
            ))
        }
    }
}
