import Foundation
import ScalerCore
import ScalerSimulation
import Testing

@Suite struct JournalReplayRules {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func step(_ offset: Double, repeats: Int = 1, every: Double = 5, queued: Int, inFlight: Int, desired: Int = 1) -> ReplayStep {
        let at = start.addingTimeInterval(offset)
        let sample = MetricSample(takenAt: at, queueDelay: queued > 0 ? 3 : 0, queued: queued, inFlight: inFlight, readyWorkers: 1)
        return ReplayStep(at: at, lastAt: at.addingTimeInterval(Double(repeats - 1) * every), repeats: repeats,
                          metrics: .sample(sample), recordedCurrent: 1, recordedDesired: desired)
    }

    private let policy = ScalingPolicy(type: .concurrency, value: 1, maxReplicas: 10, scaleDown: DirectionBehavior(stabilization: 0))

    @Test func aCoalescedHoldRunIsReplayedOncePerEvaluation() {
        let result = JournalReplay.run([step(0, repeats: 40, queued: 0, inFlight: 0)], policy: policy)
        #expect(result.decisions.count == 40)
        #expect(result.decisions.map(\.at.timeIntervalSince1970) == (0..<40).map { start.timeIntervalSince1970 + Double($0) * 5 })
        // Idle for less than the default 300 s idle timeout: the worker stays.
        #expect(result.decisions.allSatisfy { $0.replayedDesired == 1 }, "\(result.decisions.first!.replayedReason)")
    }

    @Test func theNewPolicysOwnCountIsCarriedFromDecisionToDecision() {
        let result = JournalReplay.run([step(0, queued: 3, inFlight: 1), step(5, queued: 3, inFlight: 1)], policy: policy)
        #expect(result.decisions.map(\.replayedDesired) == [4, 4])
        #expect(result.totals.replayedScaleEvents == 0)
        #expect(result.totals.replayedReplicaSeconds == 20)
        #expect(result.totals.recordedReplicaSeconds == 5)
        #expect(result.totals.differing == 2)
    }

    @Test func journalledMetricFailuresNeverScaleDown() {
        let failed = ReplayStep(at: start, lastAt: start, repeats: 1, metrics: .failure(.timeout, "timeout"), recordedCurrent: 3, recordedDesired: 3)
        let result = JournalReplay.run([failed], policy: policy)
        #expect(result.decisions.map(\.replayedDesired) == [3])
    }
}

extension JournalReplayRules {
    @Test func approximateStepsAreMarkedAndCounted() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let sample = MetricSample(takenAt: at, queueDelay: 0, queued: 2, inFlight: 2, readyWorkers: 1)
        let run = ReplayStep(at: at, lastAt: at.addingTimeInterval(10), repeats: 3, metrics: .sample(sample),
                             recordedCurrent: 1, recordedDesired: 1, inputsApproximate: true)
        let result = JournalReplay.run([run], policy: ScalingPolicy(type: .concurrency, value: 1, maxReplicas: 10))
        #expect(result.decisions.allSatisfy { $0.approximate })
        #expect(result.totals.approximate == 3)
    }
}

extension JournalReplayRules {
    @Test func noReplicaSecondsAreCountedAcrossAStretchWithoutADaemon() {
        // Decided at 0 and 5, stopped at 10, started again at 3610.
        var resumed = step(3_610, queued: 3, inFlight: 1)
        resumed.resumesAfter = start.addingTimeInterval(10)
        let result = JournalReplay.run([step(0, queued: 3, inFlight: 1), step(5, queued: 3, inFlight: 1), resumed], policy: policy)
        #expect(result.decisions.map(\.replayedDesired) == [4, 4, 4])
        #expect(result.totals.notRunningSeconds == 3_600)
        #expect(result.totals.replayedReplicaSeconds == 4 * 10, "in force until the stop, not across it")
        #expect(result.totals.recordedReplicaSeconds == 1 * 10)
    }

    @Test func afterAStopTheReplayStartsFromWhatTheProviderRan() {
        // The new policy ran 4 before the stop; the provider ran 1 when the daemon started again.
        var resumed = ReplayStep(at: start.addingTimeInterval(3_610), lastAt: start.addingTimeInterval(3_610), repeats: 1,
                                 metrics: .failure(.timeout, "timeout"), recordedCurrent: 1, recordedDesired: 1)
        resumed.resumesAfter = start.addingTimeInterval(10)
        let result = JournalReplay.run([step(0, queued: 3, inFlight: 1), resumed], policy: policy)
        #expect(result.decisions.map(\.replayedDesired) == [4, 1], "an unusable reading holds what runs, not what ran before the stop")
    }
}
