import Foundation

/// What the service-level policy has learned about one endpoint: how fast its load can rise,
/// how often requests waited too long, and how much of the rise history its headroom leaves
/// uncovered. Compact on purpose: spans, not samples, so that saving it each tick stays cheap.
public struct ServiceLevelState: Sendable, Hashable, Codable {
    /// The first sample learned from: how old the history is.
    public var since: Date?
    /// The load (in flight + queued) of the latest fresh samples within one cold start and a tick.
    public var recentLoads: [TimedLoad]
    /// The largest rise of load within one cold start and a tick seen in each span of the rise
    /// history, oldest first.
    public var rises: [LoadSpan]
    /// Load-weighted seconds, and those with the queue delay past the SLO's wait, per span of
    /// the SLO window, oldest first.
    public var ledger: [ShareSpan]
    /// The factor the measured share has put on the headroom: above 1 when requests waited too
    /// long, below when they waited far less than the SLO allows.
    public var scale: Double
    /// When feedback last moved the scale.
    public var lastStep: Date?
    /// What has been seen since then: the next step is judged on it, never on what caused the last.
    public var sinceStep: StepEvidence
    /// The scale at which requests last waited too long, and when: feedback does not lower the
    /// scale back to it while the rise history still holds that time.
    public var failedScale: Double?
    public var failedAt: Date?
    /// Service times read off a backlog before any reading is trusted (see `serviceTime(trusted:)`).
    public var backlogServiceTimes: [Double]

    public init(
        since: Date? = nil, recentLoads: [TimedLoad] = [], rises: [LoadSpan] = [], ledger: [ShareSpan] = [],
        scale: Double = 1, lastStep: Date? = nil, sinceStep: StepEvidence = StepEvidence(),
        failedScale: Double? = nil, failedAt: Date? = nil, backlogServiceTimes: [Double] = []
    ) {
        self.since = since
        self.recentLoads = recentLoads
        self.rises = rises
        self.ledger = ledger
        self.scale = scale
        self.lastStep = lastStep
        self.sinceStep = sinceStep
        self.failedScale = failedScale
        self.failedAt = failedAt
        self.backlogServiceTimes = backlogServiceTimes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            since: try container.decodeIfPresent(Date.self, forKey: .since),
            recentLoads: try container.decode([TimedLoad].self, forKey: .recentLoads),
            rises: try container.decode([LoadSpan].self, forKey: .rises),
            ledger: try container.decode([ShareSpan].self, forKey: .ledger),
            scale: try container.decode(Double.self, forKey: .scale),
            lastStep: try container.decodeIfPresent(Date.self, forKey: .lastStep),
            sinceStep: try container.decode(StepEvidence.self, forKey: .sinceStep),
            failedScale: try container.decodeIfPresent(Double.self, forKey: .failedScale),
            failedAt: try container.decodeIfPresent(Date.self, forKey: .failedAt),
            // State saved before backlog readings were kept has none.
            backlogServiceTimes: try container.decodeIfPresent([Double].self, forKey: .backlogServiceTimes) ?? []
        )
    }
}

/// The load at one instant, in requests, and whether any worker was ready then.
public struct TimedLoad: Sendable, Hashable, Codable {
    public var at: Date
    public var requests: Double
    /// `false` when the source said no worker was ready, or requests waited past the SLO's wait:
    /// a backlog the fleet had not caught up with.
    public var warm: Bool
    /// Warm, and so was every reading in the reach before it: load the fleet kept up with, not a
    /// backlog it was still holding in flight after the queue was gone.
    public var settled: Bool
    /// Read through the service time (arrivals times it) rather than counted: it moves with it.
    public var modelled: Bool

    public init(at: Date, requests: Double, warm: Bool = true, settled: Bool? = nil, modelled: Bool = false) {
        self.at = at
        self.requests = requests
        self.warm = warm
        self.settled = settled ?? warm
        self.modelled = modelled
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            at: try container.decode(Date.self, forKey: .at),
            requests: try container.decode(Double.self, forKey: .requests),
            warm: try container.decode(Bool.self, forKey: .warm),
            // State saved before the flags existed judged by readiness alone and counted every load.
            settled: try container.decodeIfPresent(Bool.self, forKey: .settled),
            modelled: try container.decodeIfPresent(Bool.self, forKey: .modelled) ?? false
        )
    }
}

/// The largest rise of load, and the highest load, seen in one span.
public struct LoadSpan: Sendable, Hashable, Codable {
    public var start: Date
    public var largestRise: Double
    public var highestLoad: Double
    /// Whether each was read through the service time (see `TimedLoad.modelled`).
    public var riseModelled: Bool
    public var highestModelled: Bool
    /// The rise was read through a service time seen fewer than `ServiceLevelState.settledServiceTime`
    /// times: kept one SLO window, not the whole rise history.
    public var provisional: Bool
    /// Load-weighted seconds in the span, and those with the queue delay past the SLO's wait.
    public var loadSeconds: Double
    public var overTargetSeconds: Double

    public init(
        start: Date, largestRise: Double, highestLoad: Double? = nil, riseModelled: Bool = false, highestModelled: Bool = false,
        provisional: Bool = false, loadSeconds: Double = 0, overTargetSeconds: Double = 0
    ) {
        self.start = start
        self.largestRise = largestRise
        self.highestLoad = highestLoad ?? largestRise
        self.riseModelled = riseModelled
        self.highestModelled = highestModelled
        self.provisional = provisional
        self.loadSeconds = loadSeconds
        self.overTargetSeconds = overTargetSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            start: try container.decode(Date.self, forKey: .start),
            largestRise: try container.decode(Double.self, forKey: .largestRise),
            highestLoad: try container.decode(Double.self, forKey: .highestLoad),
            riseModelled: try container.decodeIfPresent(Bool.self, forKey: .riseModelled) ?? false,
            highestModelled: try container.decodeIfPresent(Bool.self, forKey: .highestModelled) ?? false,
            provisional: try container.decodeIfPresent(Bool.self, forKey: .provisional) ?? false,
            loadSeconds: try container.decodeIfPresent(Double.self, forKey: .loadSeconds) ?? 0,
            overTargetSeconds: try container.decodeIfPresent(Double.self, forKey: .overTargetSeconds) ?? 0
        )
    }
}

/// Load-weighted seconds in one span, and those in which requests waited past the SLO.
public struct ShareSpan: Sendable, Hashable, Codable {
    public var start: Date
    public var load: Double
    public var overTarget: Double
    /// Seconds of samples that fed it.
    public var seconds: Double

    public init(start: Date, load: Double = 0, overTarget: Double = 0, seconds: Double = 0) {
        self.start = start
        self.load = load
        self.overTarget = overTarget
        self.seconds = seconds
    }
}

/// Load-weighted seconds, those over the SLO's wait, and the largest rise, since a feedback step.
public struct StepEvidence: Sendable, Hashable, Codable {
    public var load: Double
    public var overTarget: Double
    public var largestRise: Double

    public init(load: Double = 0, overTarget: Double = 0, largestRise: Double = 0) {
        self.load = load
        self.overTarget = overTarget
        self.largestRise = largestRise
    }

    var share: Double { load > 0 ? overTarget / load : 0 }
}

extension ServiceLevelState {
    /// Bursts make the rise history bimodal (spans with one, spans without): moving the quantile
    /// jumps between covering whole bursts and none, so feedback scales the SLO's own quantile
    /// instead, smoothly and within these bounds.
    static let scales: ClosedRange<Double> = 1...4
    static let tightening = 1.25
    static let loosening = 1.1
    /// How far a young history's headroom reaches past its largest rise (see `uncertainty`).
    /// Chosen on development traces only (bursty seeds 4-8 and 11-16): at 1, a second burst
    /// larger than the first, within the first hour, left three of the eleven over the SLO.
    static let youngHistoryWeight = 1.5
    /// Observations of the service time before a rise read through it is kept for the whole
    /// rise history. One queue under one worker can read a service time three times too long,
    /// and the headroom it teaches keeps every later queue, and so every correction, away.
    static let settledServiceTime = 3
    /// A learned headroom this much larger than before explains the waits that taught it.
    static let explainedGrowth = 1.1
}

extension ServiceLevelState {
    /// Seconds between the two latest samples: the tick a rise waits before it is seen.
    var sampleInterval: TimeInterval {
        guard recentLoads.count >= 2 else { return 0 }
        return max(0, recentLoads[recentLoads.count - 1].at.timeIntervalSince(recentLoads[recentLoads.count - 2].at))
    }

    /// Seconds of history behind the headroom.
    func learnedFor(at now: Date) -> TimeInterval {
        (since ?? rises.first?.start).map { max(0, now.timeIntervalSince($0)) } ?? 0
    }
}
