import Foundation

/// What the operator wants, in their own terms: how long a request may wait and how often that
/// may be exceeded. With it scalerd chooses its own warm headroom and release timing
/// (`Autoscaler+ServiceLevel`), so that no window or idle timeout needs setting by hand.
public struct ServiceLevelObjective: Sendable, Hashable, Codable {
    /// Seconds a request may wait: a queue policy's own value; set for a concurrency policy.
    public var wait: Double
    /// The largest share of requests allowed to wait longer than `wait`, as a fraction (0.01 is
    /// 1%). Metric sources report samples, not requests: it is measured as the share of time,
    /// weighted by load, in which the queue delay was past `wait`.
    public var overTarget: Double
    /// The span the share is measured over.
    public var window: TimeInterval
    /// The cold start assumed until scalerd has measured the endpoint's own.
    public var assumedColdStart: TimeInterval

    public init(wait: Double, overTarget: Double, window: TimeInterval = defaultWindow, assumedColdStart: TimeInterval = defaultColdStart) {
        self.wait = wait
        self.overTarget = overTarget
        self.window = window
        self.assumedColdStart = assumedColdStart
    }

    public static let defaultWindow: TimeInterval = 3600
    public static let defaultColdStart: TimeInterval = 30
    /// Accepted windows: long enough to hold several feedback steps' evidence, short enough to
    /// follow a change in the traffic within a day.
    public static let windows: ClosedRange<TimeInterval> = 300...86_400
    /// Accepted shares: below 0.01% no trace is long enough to measure it; past half, it is no
    /// objective.
    public static let shares: ClosedRange<Double> = 0.0001...0.5
    /// Past an hour a cold start is no start a warm headroom can bridge: refused in config.
    public static let longestColdStart: TimeInterval = 3600
    /// Cold starts past this are not kept through: the release window is bounded.
    public static let longestRelease: TimeInterval = 600

    /// How long a rise has before a worker asked for when it is seen is ready: the cold start
    /// (bounded as the release is) and the tick it waits to be seen.
    static func reach(coldStart: TimeInterval, tick: TimeInterval) -> TimeInterval {
        min(coldStart, longestRelease) + tick
    }

    /// What one slot carries while a rise waits `reach` for help: itself, and the queue it
    /// finishes within `wait` over that time (see `Autoscaler.applyHeadroom`).
    func carriedPerSlot(reach: TimeInterval) -> Double {
        1 + wait / max(reach, wait)
    }

    /// The rises of load are learned over this much history, so that a rare burst is remembered
    /// for several windows, not forgotten when it leaves the one the share is measured over.
    var riseHistory: TimeInterval { window * 6 }
    /// One span of the rise history and of the measured share.
    var span: TimeInterval { window / 12 }
    /// Feedback moves at most this often: each step is judged on evidence gathered after the last.
    var stepInterval: TimeInterval { window / 4 }
}
