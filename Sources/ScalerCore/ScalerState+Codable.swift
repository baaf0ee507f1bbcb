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
        try container.encode(TimedSeries.text(recommendations.map { ($0.at, Double($0.replicas)) }), forKey: .recommendations)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encodeIfPresent(idleSince, forKey: .idleSince)
        try container.encodeIfPresent(observingSince, forKey: .observingSince)
        try container.encodeIfPresent(lastDecisionAt, forKey: .lastDecisionAt)
        try container.encode(spend, forKey: .spend)
        try container.encode(TimedSeries.text(replicaHistory.map { ($0.at, Double($0.replicas)) }), forKey: .replicaHistory)
        try container.encodeIfPresent(burstSeenAt, forKey: .burstSeenAt)
        try container.encode(coldStart, forKey: .coldStart)
        try container.encode(idleGaps, forKey: .idleGaps)
        try container.encodeIfPresent(lastSample, forKey: .lastSample)
        try container.encode(serviceTimes, forKey: .serviceTimes)
        try container.encode(TimedSeries.text(arrivalRates.map { ($0.at, $0.perSecond) }), forKey: .arrivalRates)
        try container.encodeIfPresent(serviceLevel, forKey: .serviceLevel)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            lastDesired: try container.decodeIfPresent(Int.self, forKey: .lastDesired),
            recommendations: try Self.series(container, .recommendations, TimedRecommendation.self).map { try TimedRecommendation(at: $0, replicas: Self.count($1)) },
            consecutiveFailures: try container.decode(Int.self, forKey: .consecutiveFailures),
            idleSince: try container.decodeIfPresent(Date.self, forKey: .idleSince),
            observingSince: try container.decodeIfPresent(Date.self, forKey: .observingSince),
            lastDecisionAt: try container.decodeIfPresent(Date.self, forKey: .lastDecisionAt),
            spend: try container.decode([SpendBucket].self, forKey: .spend),
            replicaHistory: try Self.series(container, .replicaHistory, TimedRecommendation.self).map { try TimedRecommendation(at: $0, replicas: Self.count($1)) },
            burstSeenAt: try container.decodeIfPresent(Date.self, forKey: .burstSeenAt),
            coldStart: try container.decode(ColdStartTracker.self, forKey: .coldStart),
            idleGaps: try container.decode([Double].self, forKey: .idleGaps),
            lastSample: try container.decodeIfPresent(MetricSample.self, forKey: .lastSample),
            serviceTimes: try container.decode([Double].self, forKey: .serviceTimes),
            arrivalRates: try Self.series(container, .arrivalRates, TimedRate.self).map { TimedRate(at: $0, perSecond: $1) },
            serviceLevel: try container.decodeIfPresent(ServiceLevelState.self, forKey: .serviceLevel)
        )
    }

    /// A window as saved now (one string) or before (an array of objects).
    private static func series<Old: Decodable & TimedValue>(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, _ old: Old.Type
    ) throws -> [(Date, Double)] {
        if let text = try? container.decode(String.self, forKey: key) {
            guard let values = TimedSeries.values(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a series of at:value pairs")
            }
            return values
        }
        return try container.decode([Old].self, forKey: key).map { ($0.at, $0.value) }
    }

    private static func count(_ value: Double) throws -> Int {
        guard let count = Int(exactly: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(value) is not a replica count"))
        }
        return count
    }
}

/// A value at an instant, as the old saved form held it.
protocol TimedValue {
    var at: Date { get }
    var value: Double { get }
}

extension TimedRecommendation: TimedValue {
    var value: Double { Double(replicas) }
}

extension TimedRate: TimedValue {
    var value: Double { perSecond }
}

/// "at:value at:value ...": each number in the shortest form that reads back as the same Double.
enum TimedSeries {
    static func text(_ items: [(Date, Double)]) -> String {
        var text = ""
        text.reserveCapacity(items.count * 24)
        for (index, (at, value)) in items.enumerated() {
            if index > 0 { text += " " }
            text += at.timeIntervalSince1970.description
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
