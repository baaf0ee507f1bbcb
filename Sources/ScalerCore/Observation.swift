import Foundation

/// What a metric source measured for one endpoint at one instant. Any field may be unknown.
public struct MetricSample: Sendable, Hashable, Codable {
    public var takenAt: Date
    /// Seconds a request waits before a worker takes it.
    public var queueDelay: Double?
    public var queued: Int?
    public var inFlight: Int?
    public var readyWorkers: Int?
    /// True when `queueDelay` was derived (e.g. by Little's law) rather than measured.
    public var queueDelayEstimated: Bool

    public init(
        takenAt: Date,
        queueDelay: Double? = nil,
        queued: Int? = nil,
        inFlight: Int? = nil,
        readyWorkers: Int? = nil,
        queueDelayEstimated: Bool = false
    ) {
        self.takenAt = takenAt
        self.queueDelay = queueDelay
        self.queued = queued
        self.inFlight = inFlight
        self.readyWorkers = readyWorkers
        self.queueDelayEstimated = queueDelayEstimated
    }
}

extension MetricSample {
    /// Past these, a reading is nonsense (or hostile), never a load: the sample is unusable, and
    /// every sum of counts the decision makes stays far from overflow.
    public static let largestCount = 1_000_000_000
    /// A year.
    public static let longestDelay: Double = 365 * 86_400
}

/// The outcome of asking a metric source.
public enum MetricReading: Sendable, Hashable {
    case sample(MetricSample)
    /// Why no sample came, as a kind to count and the source's own words.
    case failure(FailureKind, String)
}

/// Everything one decision is made from.
public struct Observation: Sendable, Hashable {
    public var metrics: MetricReading
    /// Replicas the provider is configured to run now; `nil` when the provider could not be read.
    public var currentReplicas: Int?

    /// Past this, or below zero, a replica count read from a provider is nonsense: the decision
    /// treats it as unread, so it never lowers the count.
    public static let plausibleReplicas = 0...1_000_000

    public init(metrics: MetricReading, currentReplicas: Int?) {
        self.metrics = metrics
        self.currentReplicas = currentReplicas
    }

    public var sample: MetricSample? {
        if case .sample(let sample) = metrics { return sample }
        return nil
    }
}
