import Foundation

/// One endpoint over a time range, from its journal rows: what `scalerd journal stats` prints.
public struct EndpointStats: Sendable, Codable, Hashable {
    public var endpoint: String
    public var from: Date
    public var to: Date
    /// Evaluations, counting each repeat of a hold run.
    public var evaluations: Int
    public var scaleUps: Int
    public var scaleDowns: Int
    /// Seconds the endpoint spent at each replica count scalerd decided, keyed by the count.
    public var secondsAtReplicas: [Int: Double]
    /// The decided replica count integrated over time.
    public var workerSeconds: Double
    /// Seconds of the range in which no daemon was deciding (stopped, or ended without a stop):
    /// no replicas are counted as decided in them.
    public var notRunning: Double
    /// Provider failures by kind, and evaluations without usable metrics as `metrics_KIND` (the
    /// source's failure) or `metrics_STATUS` (`stale`, `invalid`).
    public var errors: [String: Int]

    /// Each endpoint's rows in `entries` (oldest first), clipped to `from...to`: a decision is
    /// in force from its time until the endpoint's next one, but never across a stretch in which
    /// no daemon was deciding.
    public static func compute(_ entries: [JournalEntry], from: Date?, to: Date, controlled: ControlledTime = .always) -> [EndpointStats] {
        let byEndpoint = Dictionary(grouping: entries, by: \.endpoint)
        return byEndpoint.keys.sorted().map { name in
            let rows = byEndpoint[name, default: []].sorted { ($0.at, $0.id ?? 0) < ($1.at, $1.id ?? 0) }
            let start = from ?? rows.first?.at ?? to
            var stats = EndpointStats(endpoint: name, from: start, to: to, evaluations: 0, scaleUps: 0, scaleDowns: 0,
                                      secondsAtReplicas: [:], workerSeconds: 0, notRunning: controlled.uncontrolled(from: start, to: to), errors: [:])
            for (index, row) in rows.enumerated() {
                let inForceUntil = index + 1 < rows.count ? rows[index + 1].at : to
                // A decision is in force only while a daemon was deciding.
                let seconds = controlled.controlled(from: max(row.at, start), to: min(inForceUntil, to))
                    .reduce(0) { $0 + $1.to.timeIntervalSince($1.from) }
                if seconds > 0 {
                    stats.secondsAtReplicas[row.desired, default: 0] += seconds
                    stats.workerSeconds += Double(row.desired) * seconds
                }
                guard row.lastAt >= start, row.at <= to else { continue }
                stats.evaluations += row.repeats
                if row.action == .scaleUp { stats.scaleUps += 1 }
                if row.action == .scaleDown { stats.scaleDowns += 1 }
                if let kind = row.errorKind { stats.errors[kind.rawValue, default: 0] += row.repeats }
                if row.metricStatus != .fresh {
                    stats.errors["metrics_\(row.metricErrorKind?.rawValue ?? row.metricStatus.rawValue)", default: 0] += row.repeats
                }
            }
            return stats
        }
    }
}
