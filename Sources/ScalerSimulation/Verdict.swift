import Foundation

/// How one scalerd policy compares with one baseline on the two axes an operator pays for:
/// worker-seconds, and requests that waited past the target. Compared at the precision the
/// report prints, so that a reader can check every verdict against the table.
public struct Verdict: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// No worse on either axis and better on at least one.
        case better
        case worse
        /// Better on one axis, worse on the other.
        case tradeOff = "trade-off"
        case same
    }

    public var policy: String
    public var baseline: String
    public var outcome: Outcome
    /// Relative change in worker-seconds: -0.25 is a quarter fewer.
    public var workerSecondsChange: Double
    /// Change in the share over target, in percentage points.
    public var overTargetChange: Double

    public init(_ ours: PolicyResult, against theirs: PolicyResult) {
        policy = ours.name
        baseline = theirs.name
        let cost = Self.compare(ours.workerSeconds.rounded(), theirs.workerSeconds.rounded())
        let waiting = Self.compare((ours.overTarget * 10_000).rounded(), (theirs.overTarget * 10_000).rounded())
        switch (cost, waiting) {
        case (.orderedSame, .orderedSame): outcome = .same
        case (.orderedAscending, .orderedAscending), (.orderedAscending, .orderedSame), (.orderedSame, .orderedAscending): outcome = .better
        case (.orderedDescending, .orderedDescending), (.orderedDescending, .orderedSame), (.orderedSame, .orderedDescending): outcome = .worse
        default: outcome = .tradeOff
        }
        workerSecondsChange = theirs.workerSeconds > 0 ? ours.workerSeconds / theirs.workerSeconds - 1 : 0
        overTargetChange = (ours.overTarget - theirs.overTarget) * 100
    }

    /// `better than k8s-hpa: 38% fewer worker-seconds, 0.40 points fewer requests over target`
    public var sentence: String {
        let cost = workerSecondsChange.magnitude < 0.0005 ? "the same worker-seconds"
            : String(format: "%.1f%% %@ worker-seconds", workerSecondsChange.magnitude * 100, workerSecondsChange < 0 ? "fewer" : "more")
        let waiting = overTargetChange.magnitude < 0.005 ? "the same share over target"
            : String(format: "%.2f points %@ over target", overTargetChange.magnitude, overTargetChange < 0 ? "fewer" : "more")
        let relation: String
        switch outcome {
        case .better: relation = "better than"
        case .worse: relation = "worse than"
        case .tradeOff: relation = "a trade-off against"
        case .same: relation = "the same as"
        }
        return "\(policy) is \(relation) \(baseline): \(cost), \(waiting)"
    }

    private static func compare(_ ours: Double, _ theirs: Double) -> ComparisonResult {
        ours < theirs ? .orderedAscending : ours > theirs ? .orderedDescending : .orderedSame
    }
}
