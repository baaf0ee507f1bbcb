import Foundation

/// The saved form of a state (the journal's `endpoint_state`). Its windows of timed values are
/// one string each ("at:value at:value ...", Unix seconds) rather than an array of objects: in a
/// busy tick at 10,000 endpoints, a Foundation encoder spent a fifth of the daemon's time on
/// their keys. States saved as arrays of objects are read as well.
extension ScalerState {
    enum CodingKeys: String, CodingKey {
        case lastDesired, recommendations, consecutiveFailures, idleSince, observingSince, lastDecisionAt, spend
        case replicaHistory, burstSeenAt, coldStart, idleGaps, lastSample, serviceTimes, arrivalRates, serviceLevel
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(lastDesired, forKey: .lastDesired)
        try container.encode(TimedSeries.text(recommendations), forKey: .recommendations)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encodeIfPresent(idleSince, forKey: .idleSince)
        try container.encodeIfPresent(observingSince, forKey: .observingSince)
        try container.encodeIfPresent(lastDecisionAt, forKey: .lastDecisionAt)
        try container.encode(spend, forKey: .spend)
        try container.encode(TimedSeries.text(replicaHistory), forKey: .replicaHistory)
        try container.encodeIfPresent(burstSeenAt, forKey: .burstSeenAt)
        try container.encode(coldStart, forKey: .coldStart)
        try container.encode(idleGaps, forKey: .idleGaps)
        try container.encodeIfPresent(lastSample, forKey: .lastSample)
        try container.encode(serviceTimes, forKey: .serviceTimes)
        try container.encode(TimedSeries.text(arrivalRates), forKey: .arrivalRates)
        try container.encodeIfPresent(serviceLevel, forKey: .serviceLevel)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            lastDesired: try container.decodeIfPresent(Int.self, forKey: .lastDesired),
            recommendations: try Self.series(container, .recommendations),
            consecutiveFailures: try container.decode(Int.self, forKey: .consecutiveFailures),
            idleSince: try container.decodeIfPresent(Date.self, forKey: .idleSince),
            observingSince: try container.decodeIfPresent(Date.self, forKey: .observingSince),
            lastDecisionAt: try container.decodeIfPresent(Date.self, forKey: .lastDecisionAt),
            spend: try container.decode([SpendBucket].self, forKey: .spend),
            replicaHistory: try Self.series(container, .replicaHistory),
            burstSeenAt: try container.decodeIfPresent(Date.self, forKey: .burstSeenAt),
            coldStart: try container.decode(ColdStartTracker.self, forKey: .coldStart),
            idleGaps: try container.decode([Double].self, forKey: .idleGaps),
            lastSample: try container.decodeIfPresent(MetricSample.self, forKey: .lastSample),
            serviceTimes: try container.decode([Double].self, forKey: .serviceTimes),
            arrivalRates: try Self.series(container, .arrivalRates),
            serviceLevel: try container.decodeIfPresent(ServiceLevelState.self, forKey: .serviceLevel)
        )
    }

    /// A window as saved now (one string) or before (an array of objects). A pair its type
    /// cannot hold (a negative or fractional replica count, a negative rate) makes the whole
    /// state unreadable, so that its endpoint starts afresh rather than from a wrong window.
    private static func series<Value: Decodable & TimedValue>(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [Value] {
        guard let text = try? container.decode(String.self, forKey: key) else { return try container.decode([Value].self, forKey: key) }
        guard let pairs = TimedSeries.values(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a series of at:value pairs")
        }
        return try pairs.map { at, value in
            guard let item = Value(at: at, value: value) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(value) cannot be a value of \(key.stringValue)")
            }
            return item
        }
    }
}

/// One entry of a saved window.
protocol TimedValue {
    var at: Date { get }
    var value: Double { get }
    /// `nil` when `value` is not one this entry can hold.
    init?(at: Date, value: Double)
}

extension TimedRecommendation: TimedValue {
    var value: Double { Double(replicas) }

    init?(at: Date, value: Double) {
        guard let replicas = Int(exactly: value), replicas >= 0 else { return nil }
        self.init(at: at, replicas: replicas)
    }
}

extension TimedRate: TimedValue {
    var value: Double { perSecond }

    init?(at: Date, value: Double) {
        guard value >= 0 else { return nil }
        self.init(at: at, perSecond: value)
    }
}

/// "at:value at:value ...": each number in the shortest form that reads back as the same Double.
enum TimedSeries {
    static func text(_ items: [some TimedValue]) -> String {
        var text = ""
        text.reserveCapacity(items.count * 24)
        for (index, item) in items.enumerated() {
            let value = item.value
            if index > 0 { text += " " }
            text += item.at.timeIntervalSince1970.description
            text += ":"
            text += value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : value.description
        }
        return text
    }

    static func values(_ text: String) -> [(Date, Double)]? {
        var values: [(Date, Double)] = []
        for pair in text.split(separator: " ") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let at = Double(parts[0]), let value = Double(parts[1]), at.isFinite, value.isFinite else { return nil }
            values.append((Date(timeIntervalSince1970: at), value))
        }
        return values
    }
}
