/// The documented range of every setting scalerd pushes to one provider API. A value outside it
/// would be refused, or accepted and read back different, and then look like drift on every
/// tick; `normalized` puts what scalerd wants into the provider's terms first.
public struct SettingLimits: Sendable, Hashable {
    public var replicas: ClosedRange<Int>
    /// The per-worker idle timeout in seconds; `nil` when the API has none.
    public var idleTimeout: ClosedRange<Int>?
    /// The queue-delay scaler's target in seconds; `nil` when the API has no such scaler.
    public var queueDelay: ClosedRange<Double>?
    /// The queue-delay target is a whole number of seconds.
    public var queueDelayWhole: Bool
    /// The request-count scaler's target; `nil` when the API has no such scaler.
    public var requestCount: ClosedRange<Int>?
    /// The API takes an idle timeout alongside a request-count scaler (RunPod REST does not).
    public var idleTimeoutWithRequestCount: Bool

    public init(
        replicas: ClosedRange<Int>, idleTimeout: ClosedRange<Int>? = nil, queueDelay: ClosedRange<Double>? = nil,
        queueDelayWhole: Bool = false, requestCount: ClosedRange<Int>? = nil, idleTimeoutWithRequestCount: Bool = true
    ) {
        self.replicas = replicas
        self.idleTimeout = idleTimeout
        self.queueDelay = queueDelay
        self.queueDelayWhole = queueDelayWhole
        self.requestCount = requestCount
        self.idleTimeoutWithRequestCount = idleTimeoutWithRequestCount
    }

    /// Whether the API has a scaler of its own for scalerd to set.
    public var hasScaler: Bool { queueDelay != nil || requestCount != nil }

    /// `wanted` within these ranges and in this API's vocabulary: whole numbers rounded up (a
    /// target never looser than asked), values clamped, settings the API lacks left out.
    public func normalized(_ wanted: ManagedSettings) -> ManagedSettings {
        var settings = wanted
        settings.minReplicas = wanted.minReplicas.clamped(to: replicas)
        settings.maxReplicas = wanted.maxReplicas.map { $0.clamped(to: replicas) }
        switch wanted.scaler {
        case .queueDelay(let seconds)?:
            settings.scaler = queueDelay.map { range in
                .queueDelay((queueDelayWhole ? seconds.rounded(.up) : seconds).clamped(to: range))
            }
        case .requestCount(let count)?:
            settings.scaler = requestCount.map { .requestCount(count.clamped(to: $0)) }
        case nil:
            break
        }
        let idleAllowed: Bool
        if case .requestCount? = settings.scaler { idleAllowed = idleTimeoutWithRequestCount } else { idleAllowed = true }
        settings.idleTimeout = idleAllowed ? both(wanted.idleTimeout, idleTimeout).map { $0.clamped(to: $1) } : nil
        return settings
    }
}

private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self {
        min(max(self, range.lowerBound), range.upperBound)
    }
}
