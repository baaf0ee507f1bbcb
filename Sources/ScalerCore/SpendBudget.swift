import Foundation

/// What an endpoint may spend. Replicas are capped so that the running rate stays within the
/// hourly limit and what is left of the rolling day's limit pays for one more hour.
public struct SpendBudget: Sendable, Hashable, Codable {
    public var pricePerWorkerHour: Double
    public var maxSpendPerHour: Double?
    public var maxSpendPerDay: Double?

    public init(pricePerWorkerHour: Double, maxSpendPerHour: Double? = nil, maxSpendPerDay: Double? = nil) {
        self.pricePerWorkerHour = pricePerWorkerHour
        self.maxSpendPerHour = maxSpendPerHour
        self.maxSpendPerDay = maxSpendPerDay
    }

    /// The most replicas the budget allows now, and why; `nil` when no limit binds at all.
    func cap(spentLastDay: Double) -> (replicas: Int, why: String)? {
        guard pricePerWorkerHour > 0 else { return nil }
        var caps: [(Int, String)] = []
        if let hourly = maxSpendPerHour {
            let replicas = Int((hourly / pricePerWorkerHour + 1e-9).rounded(.down))
            caps.append((replicas, "max_spend_per_hour \(money(hourly)) at \(money(pricePerWorkerHour))/worker-hour pays for \(replicas)"))
        }
        if let daily = maxSpendPerDay {
            let left = max(0, daily - spentLastDay)
            let replicas = Int((left / pricePerWorkerHour + 1e-9).rounded(.down))
            caps.append((replicas, "\(money(left)) left of max_spend_per_day \(money(daily)) (spent \(money(spentLastDay)) in the last 24h) pays for \(replicas) worker-hour(s)"))
        }
        return caps.min { $0.0 < $1.0 }
    }

    private func money(_ value: Double) -> String { String(format: "$%.2f", value) }
}

/// Spend in hourly buckets over the last day, kept in `ScalerState` (at most 25 entries).
public struct SpendBucket: Sendable, Hashable, Codable {
    public var hourStart: Date
    public var dollars: Double

    public init(hourStart: Date, dollars: Double) {
        self.hourStart = hourStart
        self.dollars = dollars
    }
}

enum SpendLedger {
    /// Charges the replicas asked for since the previous decision, and forgets spend older than a day.
    static func charge(
        _ buckets: [SpendBucket], replicas: Int, from start: Date?, to now: Date, price: Double
    ) -> [SpendBucket] {
        var buckets = buckets.filter { $0.hourStart > now.addingTimeInterval(-86_400) }
        guard let start, now > start, replicas > 0 else { return buckets }
        let dollars = Double(replicas) * price * now.timeIntervalSince(start) / 3_600
        let hour = Date(timeIntervalSinceReferenceDate: (now.timeIntervalSinceReferenceDate / 3_600).rounded(.down) * 3_600)
        if let last = buckets.indices.last, buckets[last].hourStart == hour {
            buckets[last].dollars += dollars
        } else {
            buckets.append(SpendBucket(hourStart: hour, dollars: dollars))
        }
        return buckets
    }
}
