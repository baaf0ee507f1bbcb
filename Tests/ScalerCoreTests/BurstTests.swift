import Foundation
import ScalerCore
import Testing

@Suite struct BurstResponse {
    /// Two requests per worker; scale-ups wait out a 60 s window unless a burst skips it.
    private func policy(burst: BurstPolicy?) -> ScalingPolicy {
        var policy = concurrencyPolicy(perWorker: 2, max: 20, up: .init(stabilization: 60), down: .init(stabilization: 0))
        policy.burst = burst
        return policy
    }

    private let steadyThenBurst: [Load] = Array(repeating: .metrics(delay: 0, queued: 0, inFlight: 4, ready: 2), count: 12)
        + [.metrics(delay: 1, queued: 16, inFlight: 4, ready: 2)]

    @Test func withoutBurstResponseTheScaleUpWindowHoldsBackASurge() {
        let decisions = run(policy(burst: nil), startingAt: 2, steadyThenBurst)
        #expect(decisions.last?.desiredReplicas == 2)
        #expect(decisions.last?.clamps.map(\.kind) == [.stabilization])
    }

    @Test func aBurstSkipsTheScaleUpWindowAndSaysWhy() {
        let decision = run(policy(burst: BurstPolicy()), startingAt: 2, steadyThenBurst).last!
        #expect(decision.desiredReplicas == 10)
        let clamp = decision.clamps.last
        #expect(clamp?.kind == .burst)
        #expect(clamp?.before == 2 && clamp?.after == 10)
        #expect(clamp?.detail == "average load 6 over 10s is at least 2x the 2 ready worker(s)")
    }

    @Test func aLoadUnderTheThresholdIsNotABurst() {
        let loads = Array(steadyThenBurst.dropLast()) + [.metrics(delay: 0, queued: 2, inFlight: 4, ready: 2)]
        let decision = run(policy(burst: BurstPolicy()), startingAt: 2, loads).last!
        #expect(decision.desiredReplicas == 2, "3 wanted against 2 ready is 1.5x, under the threshold of 2")
        #expect(!decision.clamps.contains { $0.kind == .burst })
    }

    @Test func nothingIsScaledDownUntilTheBurstHasBeenOverForHold() {
        let after: [Load] = Array(repeating: .metrics(delay: 0, queued: 0, inFlight: 2, ready: 10), count: 14)
        let decisions = run(policy(burst: BurstPolicy(window: 10, threshold: 2, hold: 30)), startingAt: 2, steadyThenBurst + after)
        let burstAt = steadyThenBurst.count - 1
        // Once the ten workers are ready the load is no longer a burst; the hold runs 30 s from
        // the tick that saw one.
        let heldUntil = burstAt + 6
        #expect(decisions[burstAt...(heldUntil - 1)].allSatisfy { $0.desiredReplicas == 10 })
        #expect(decisions[burstAt + 3].clamps.last?.detail.hasPrefix("a burst was seen 15s ago, within burst.hold 30s") == true)
        #expect(decisions[heldUntil].desiredReplicas == 1)
    }
}
