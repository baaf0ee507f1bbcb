import ScalerCore
import ScalerJournal
import Synchronization

/// Every endpoint's Prometheus series, kept and written out here rather than in the registry:
/// swift-prometheus copies a family's whole label map to add one series, so registering 10,000
/// endpoints took 11-14 s, and registering them again every tick cost more than deciding. Here an
/// endpoint's values are one struct, updated in place; `/metrics` writes them after the
/// registry's own.
final class EndpointSeries: Sendable {
    private let values = Mutex<[String: Values]>([:])

    struct Values {
        var currentReplicas = Double.nan
        var desiredReplicas = Double.nan
        var queueDelay = Double.nan
        var inFlight = Double.nan
        var queued = Double.nan
        var coldStart = Double.nan
        var serviceTime = Double.nan
        var idleTimeout = Double.nan
        /// Only endpoints with an SLO have these: no series for a policy that has no objective.
        var sloOverTarget: Double?
        var sloHeadroomScale: Double?
        var decisions: [ScalingAction: Int] = [:]
        var pushes = 0
        /// Evaluations without usable metrics, by status and the source's failure kind.
        var metricErrors: [MetricErrorKey: Int] = [:]
    }

    struct MetricErrorKey: Hashable, Comparable {
        let status: String
        let kind: String

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.status, lhs.kind) < (rhs.status, rhs.kind) }
    }

    func record(_ entries: [JournalEntry], learned: [String: LearnedTimings]) {
        values.withLock { values in
            // By index through the buffer: an array's subscript, or any for-in, hands out a copy
            // of the whole row.
            entries.withUnsafeBufferPointer { entries in
                for index in entries.indices { values[entries[index].endpoint, default: Values()].record(entries[index]) }
            }
            for (endpoint, timings) in learned {
                values[endpoint, default: Values()].record(timings)
            }
        }
    }

    /// Drops the series of endpoints a reload removed.
    func keep(_ names: Set<String>) {
        values.withLock { values in values = values.filter { names.contains($0.key) } }
    }

    /// The Prometheus text exposition of every endpoint's series, one family after another.
    func exposition() -> String {
        let snapshot = values.withLock { $0 }.sorted { $0.key < $1.key }
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ lines: (String, Values) -> [String]) {
            var body = ""
            for (endpoint, values) in snapshot {
                for line in lines(Self.label(endpoint), values) { body += "\(name)\(line)\n" }
            }
            guard !body.isEmpty else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n" + body
        }
        func gauge(_ name: String, _ help: String, _ value: @escaping (Values) -> Double?) {
            family(name, "gauge", help) { label, values in value(values).map { ["{endpoint=\(label)} \($0)"] } ?? [] }
        }
        gauge("scalerd_endpoint_current_replicas", "Replicas the provider runs") { $0.currentReplicas }
        gauge("scalerd_endpoint_desired_replicas", "Replicas scalerd decided") { $0.desiredReplicas }
        // Unknown is NaN, not zero: a zero would read as an idle endpoint.
        gauge("scalerd_endpoint_queue_delay_seconds", "Queue delay observed") { $0.queueDelay }
        gauge("scalerd_endpoint_in_flight", "Requests in flight observed") { $0.inFlight }
        gauge("scalerd_endpoint_queued", "Requests queued observed") { $0.queued }
        gauge("scalerd_endpoint_cold_start_seconds", "Median cold start measured from scale-up to ready workers") { $0.coldStart }
        gauge("scalerd_endpoint_service_time_seconds", "Median service time of one request, learned from busy stretches") { $0.serviceTime }
        gauge("scalerd_endpoint_idle_timeout_seconds", "Idle timeout in force, learned when adaptive") { $0.idleTimeout }
        gauge("scalerd_endpoint_slo_over_target_ratio", "Share of load-weighted time past the SLO's wait over its window") { $0.sloOverTarget }
        gauge("scalerd_endpoint_slo_headroom_scale_ratio", "Factor the SLO's feedback has put on the learned headroom") { $0.sloHeadroomScale }
        family("scalerd_decisions_total", "counter", "Decisions by endpoint and action") { label, values in
            ScalingAction.allCases.compactMap { action in
                values.decisions[action].map { "{endpoint=\(label),action=\(Self.label(action.rawValue))} \($0)" }
            }
        }
        family("scalerd_provider_pushes_total", "counter", "Settings pushed to the provider") { label, values in
            values.pushes > 0 ? ["{endpoint=\(label)} \(values.pushes)"] : []
        }
        family("scalerd_metric_errors_total", "counter", "Evaluations without usable metrics, by status and the source's failure kind") { label, values in
            values.metricErrors.sorted { $0.key < $1.key }.map { key, count in
                "{endpoint=\(label),status=\(Self.label(key.status)),kind=\(Self.label(key.kind))} \(count)"
            }
        }
        return text
    }

    /// A label value, quoted and escaped as the text format requires.
    private static func label(_ value: String) -> String {
        var escaped = "\""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }
}

private extension EndpointSeries.Values {
    mutating func record(_ entry: JournalEntry) {
        currentReplicas = Double(entry.currentReplicas)
        desiredReplicas = Double(entry.desired)
        queueDelay = entry.queueDelay ?? .nan
        inFlight = entry.inFlight.map(Double.init) ?? .nan
        queued = entry.queued.map(Double.init) ?? .nan
        decisions[entry.action, default: 0] += 1
        if entry.pushed { pushes += 1 }
        if entry.metricStatus != .fresh {
            metricErrors[.init(status: entry.metricStatus.rawValue, kind: entry.metricErrorKind?.rawValue ?? "none"), default: 0] += 1
        }
    }

    /// Unknown until measured is NaN, as for the observed values.
    mutating func record(_ timings: LearnedTimings) {
        coldStart = timings.coldStart ?? .nan
        serviceTime = timings.serviceTime ?? .nan
        idleTimeout = timings.idleTimeout
        if let scale = timings.headroomScale {
            sloHeadroomScale = scale
            sloOverTarget = timings.overTargetShare ?? .nan
        } else {
            (sloHeadroomScale, sloOverTarget) = (nil, nil)
        }
    }
}
