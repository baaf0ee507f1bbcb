import Foundation

/// Knative's panic mode, for scalerd: a short window beside the stable one. While the short
/// window's load is well over the ready workers, scale-ups skip the scale-up window and nothing
/// is scaled down until the burst has been over for `hold`.
public struct BurstPolicy: Sendable, Hashable, Codable {
    /// Seconds of recommendations averaged into the burst load.
    public var window: TimeInterval
    /// A burst is a short-window load of at least this many times the ready workers (Knative's
    /// panic threshold of 200% is 2).
    public var threshold: Double
    /// Seconds after the last tick that saw the burst before scale-down is allowed again.
    public var hold: TimeInterval

    public init(window: TimeInterval = 10, threshold: Double = 2, hold: TimeInterval = 60) {
        self.window = window
        self.threshold = threshold
        self.hold = hold
    }
}
