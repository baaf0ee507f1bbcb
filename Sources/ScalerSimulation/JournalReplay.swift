import Foundation
import ScalerCore

/// One journalled evaluation, as replay needs it. A coalesced run of identical holds is one step
/// with `repeats` evaluations spread from `at` to `lastAt`.
public struct ReplayStep: Sendable, Hashable {
    public var at: Date
    public var lastAt: Date
    public var repeats: Int
    public var metrics: MetricReading
    public var recordedCurrent: Int
    public var recordedDesired: Int
    /// The run's inputs varied and the journal kept only their range: `metrics` holds the highest
    /// it saw, and each of its evaluations is replayed on those.
    public var inputsApproximate: Bool
    /// Nobody was deciding from this instant until the step (scalerd stopped or crashed): no
    /// replica-seconds are counted across it, and the replay resumes as the daemon did.
    public var resumesAfter: Date?

    public init(
        at: Date, lastAt: Date, repeats: Int, metrics: MetricReading, recordedCurrent: Int, recordedDesired: Int, inputsApproximate: Bool = false,
        resumesAfter: Date? = nil
    ) {
        self.at = at
        self.lastAt = lastAt
        self.repeats = max(1, repeats)
        self.metrics = metrics
        self.recordedCurrent = recordedCurrent
        self.recordedDesired = recordedDesired
        self.inputsApproximate = inputsApproximate
        self.resumesAfter = resumesAfter
    }
}

/// What the new policy decided at one journalled evaluation, next to what was decided then.
public struct ReplayedDecision: Sendable, Hashable, Codable {
    public var at: Date
    public var recordedDesired: Int
    public var replayedDesired: Int
    public var replayedReason: String
    /// Replayed on the highest inputs of a hold run rather than its own.
    public var approximate: Bool
    /// The start of the stretch without a daemon that this decision ended, if any.
    public var resumesAfter: Date?
    public var differs: Bool { recordedDesired != replayedDesired }
}

public struct ReplayTotals: Sendable, Hashable, Codable {
    public var evaluations: Int
    public var differing: Int
    public var approximate: Int
    public var recordedReplicaSeconds: Double
    public var replayedReplicaSeconds: Double
    public var recordedScaleEvents: Int
    public var replayedScaleEvents: Int
    /// Seconds between the first and last evaluation in which nobody was deciding: in neither
    /// replica-second total.
    public var notRunningSeconds: Double
}

public struct ReplayResult: Sendable, Hashable, Codable {
    public var decisions: [ReplayedDecision]
    public var totals: ReplayTotals
}

/// Feeds journalled observations through another policy. Open loop: the metrics are those seen
/// under the old policy; only the replica count the new one would have run is its own.
public enum JournalReplay {
    public static func run(_ steps: [ReplayStep], policy: ScalingPolicy) -> ReplayResult {
        var state = ScalerState()
        var decisions: [ReplayedDecision] = []
        var current: Int?
        for step in steps {
            if let gapStart = step.resumesAfter {
                // As the daemon does at a start: state carried over only as far as it still
                // holds, and the replicas the provider runs now are what it finds.
                state = state.resumed(savedAt: gapStart, samePolicy: true, policy: policy, now: step.at).state
                current = nil
            }
            for (index, at) in evaluationTimes(of: step).enumerated() {
                let observation = Observation(metrics: shifted(step.metrics, by: at.timeIntervalSince(step.at)), currentReplicas: current ?? step.recordedCurrent)
                let decision = Autoscaler.decide(state: state, observation: observation, policy: policy, now: at)
                state = decision.nextState
                current = decision.desiredReplicas
                decisions.append(ReplayedDecision(
                    at: at, recordedDesired: step.recordedDesired, replayedDesired: decision.desiredReplicas, replayedReason: decision.reason,
                    approximate: step.inputsApproximate, resumesAfter: index == 0 ? step.resumesAfter : nil
                ))
            }
        }
        return ReplayResult(decisions: decisions, totals: totals(decisions))
    }

    private static func evaluationTimes(of step: ReplayStep) -> [Date] {
        guard step.repeats > 1 else { return [step.at] }
        let spacing = step.lastAt.timeIntervalSince(step.at) / Double(step.repeats - 1)
        return (0..<step.repeats).map { step.at.addingTimeInterval(Double($0) * spacing) }
    }

    /// A repeated hold's sample was as old at each repetition as at the first.
    private static func shifted(_ reading: MetricReading, by seconds: TimeInterval) -> MetricReading {
        guard case .sample(var sample) = reading else { return reading }
        sample.takenAt = sample.takenAt.addingTimeInterval(seconds)
        return .sample(sample)
    }

    private static func totals(_ decisions: [ReplayedDecision]) -> ReplayTotals {
        var totals = ReplayTotals(
            evaluations: decisions.count, differing: decisions.filter(\.differs).count, approximate: decisions.filter(\.approximate).count,
            recordedReplicaSeconds: 0, replayedReplicaSeconds: 0, recordedScaleEvents: 0, replayedScaleEvents: 0, notRunningSeconds: 0
        )
        for (previous, next) in zip(decisions, decisions.dropFirst()) {
            // A decision is in force until the next, or until nobody was deciding any more.
            let end = next.resumesAfter.map { max(previous.at, min($0, next.at)) } ?? next.at
            totals.notRunningSeconds += next.at.timeIntervalSince(end)
            let seconds = end.timeIntervalSince(previous.at)
            totals.recordedReplicaSeconds += Double(previous.recordedDesired) * seconds
            totals.replayedReplicaSeconds += Double(previous.replayedDesired) * seconds
            if next.recordedDesired != previous.recordedDesired { totals.recordedScaleEvents += 1 }
            if next.replayedDesired != previous.replayedDesired { totals.replayedScaleEvents += 1 }
        }
        return totals
    }
}
