import Foundation
import GRDB
import ScalerCore

/// One evaluation of one endpoint, as it is kept for audit: inputs, policy version, every clamp,
/// the final value and what the provider said. A run of identical holds is one row: `at` is its
/// first evaluation (whose inputs and reason the row keeps), `lastAt` its latest, and the
/// `…Min`/`…Max` fields the range of inputs seen over the run.
public struct JournalEntry: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Date
    public var lastAt: Date
    public var repeats: Int
    public var endpoint: String
    public var provider: String
    public var mode: String
    public var policyVersion: String
    public var metricStatus: MetricStatus
    public var metricAge: Double?
    public var metricError: String?
    /// The kind of the metric source's failure (`unauthorized`, `timeout`, `no_sample`, ...).
    public var metricErrorKind: FailureKind?
    public var queueDelay: Double?
    public var queueDelayEstimated: Bool
    public var queued: Int?
    public var inFlight: Int?
    public var readyWorkers: Int?
    public var currentReplicas: Int
    public var rawDesired: Int?
    public var desired: Int
    public var clamps: [Clamp]
    public var action: ScalingAction
    public var reason: String
    /// Settings found changed behind scalerd's back, corrected (enforce) or only reported (dry-run).
    public var drift: [SettingDrift]
    public var pushed: Bool
    public var outcome: OutcomeLabel
    public var errorKind: FailureKind?
    public var errorMessage: String?
    public var providerLatencyMs: Double?
    public var queueDelayMin: Double?
    public var queueDelayMax: Double?
    public var queuedMin: Int?
    public var queuedMax: Int?
    public var inFlightMin: Int?
    public var inFlightMax: Int?
    /// High availability: the lease's epoch of the leader that decided it; nil for an instance
    /// alone. A journal its group shares refuses a row of an epoch older than its newest.
    public var epoch: Int64?
    /// The hash chain (`scalerd journal verify`): the previous row's hash, this row's, and the
    /// hash of its hold extension; set by the journal when the row is written.
    public var prevHash: String?
    public var hash: String?
    public var extensionHash: String?

    public init(
        decision: Decision,
        observation: Observation,
        endpoint: String,
        provider: String,
        mode: String,
        policyVersion: String,
        outcome: ActuationOutcome,
        drift: [SettingDrift] = [],
        providerLatency: Double?
    ) {
        let sample = observation.sample
        id = nil
        at = decision.at
        lastAt = decision.at
        repeats = 1
        self.endpoint = endpoint
        self.provider = provider
        self.mode = mode
        self.policyVersion = policyVersion
        metricStatus = decision.metricStatus
        metricAge = decision.metricAge
        if case .failure(let kind, let why) = observation.metrics {
            (metricErrorKind, metricError) = (kind, why)
        } else {
            (metricErrorKind, metricError) = (nil, nil)
        }
        queueDelay = sample?.queueDelay
        queueDelayEstimated = sample?.queueDelayEstimated ?? false
        queued = sample?.queued
        inFlight = sample?.inFlight
        readyWorkers = sample?.readyWorkers
        currentReplicas = decision.currentReplicas
        rawDesired = decision.rawRecommendation
        desired = decision.desiredReplicas
        clamps = decision.clamps
        action = decision.action
        reason = decision.reason
        self.drift = drift
        pushed = outcome.pushed
        self.outcome = outcome.label
        errorKind = outcome.failureKind
        switch outcome {
        case .failed(_, let message), .skipped(let message, _), .standby(let message): errorMessage = message
        case .unchanged, .dryRun, .applied: errorMessage = nil
        }
        providerLatencyMs = providerLatency.map { ($0 * 1_000_000).rounded() / 1000 }
        (queueDelayMin, queueDelayMax) = (queueDelay, queueDelay)
        (queuedMin, queuedMax) = (queued, queued)
        (inFlightMin, inFlightMax) = (inFlight, inFlight)
    }

    /// This hold run extended by `next`, when `next` repeats it: how rows waiting for a journal
    /// that cannot be written stay few.
    public func absorbing(_ next: JournalEntry) -> JournalEntry? {
        isContinued(by: next) ? extended(by: next) : nil
    }

    /// The row that stands for evaluations that could not be recorded: a hold over `since...until`
    /// of `kind` (`journalUnavailable`: nothing was acted on; `termLost`: a lost term's pushes may
    /// have been), so that every reader sees the gap where it was (`journal verify`, `stats`, `plot`).
    public static func gap(
        _ kind: FailureKind, endpoint: String, provider: String, mode: String, policyVersion: String, replicas: Int,
        since: Date, until: Date, evaluations: Int, reason: String
    ) -> JournalEntry {
        let decision = Decision(
            at: since, currentReplicas: replicas, metricStatus: .missing, metricAge: nil, rawRecommendation: nil, clamps: [],
            desiredReplicas: replicas, action: .hold, reason: reason, nextState: ScalerState()
        )
        var entry = JournalEntry(
            decision: decision, observation: Observation(metrics: .failure(kind, reason), currentReplicas: replicas),
            endpoint: endpoint, provider: provider, mode: mode, policyVersion: policyVersion,
            outcome: .skipped(reason, kind: kind), providerLatency: nil
        )
        entry.lastAt = until
        entry.repeats = evaluations
        return entry
    }

    /// Whether `next` repeats this hold exactly (inputs aside), so that it extends this row
    /// instead of adding one.
    func isContinued(by next: JournalEntry) -> Bool {
        action == .hold && next.action == .hold
            && endpoint == next.endpoint && provider == next.provider && mode == next.mode
            && policyVersion == next.policyVersion && metricStatus == next.metricStatus
            && metricError == next.metricError && metricErrorKind == next.metricErrorKind && queueDelayEstimated == next.queueDelayEstimated
            && currentReplicas == next.currentReplicas && rawDesired == next.rawDesired && desired == next.desired
            && Self.sameEffect(clamps, next.clamps) && drift == next.drift && pushed == next.pushed && outcome == next.outcome
            && errorKind == next.errorKind && errorMessage == next.errorMessage && epoch == next.epoch
            && next.at >= lastAt
    }

    /// Clamps that moved the value the same way; their details (e.g. "idle for 8s") may differ.
    private static func sameEffect(_ a: [Clamp], _ b: [Clamp]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.kind == $1.kind && $0.before == $1.before && $0.after == $1.after }
    }

    /// This run, extended by `next`: one more identical hold, or a run of them (what a buffer
    /// that waited for the journal kept), counted and ranged whole.
    func extended(by next: JournalEntry) -> JournalEntry {
        var run = self
        run.extend(by: next)
        return run
    }

    /// `extended(by:)` in place: the journal extends its open runs without copying them.
    mutating func extend(by next: JournalEntry) {
        lastAt = max(lastAt, next.lastAt)
        repeats += next.repeats
        queueDelayMin = Self.lower(queueDelayMin, next.queueDelayMin)
        queueDelayMax = Self.higher(queueDelayMax, next.queueDelayMax)
        queuedMin = Self.lower(queuedMin, next.queuedMin)
        queuedMax = Self.higher(queuedMax, next.queuedMax)
        inFlightMin = Self.lower(inFlightMin, next.inFlightMin)
        inFlightMax = Self.higher(inFlightMax, next.inFlightMax)
    }

    private static func lower<T: Comparable>(_ a: T?, _ b: T?) -> T? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    private static func higher<T: Comparable>(_ a: T?, _ b: T?) -> T? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }
}
