import Foundation
import Prometheus
import ScalerCore
import ScalerJournal

/// The daemon's Prometheus series, served at `/metrics`.
final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let tickDuration: DurationHistogram
    private let journalWrite: DurationHistogram
    private let lastTick: Gauge
    private let generation: Gauge

    private static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// `scalerd_<name>_<unit>`.
    private static func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "scalerd", metricName: name, unitName: unit, helpText: help)
    }

    init() {
        tickDuration = registry.makeDurationHistogram(
            descriptor: Self.name("tick_duration", "seconds", "Time to observe, decide, act and record every endpoint once"),
            buckets: Self.durationBuckets
        )
        journalWrite = registry.makeDurationHistogram(
            descriptor: Self.name("journal_write", "seconds", "Time to append one tick to the journal"), buckets: Self.durationBuckets
        )
        lastTick = registry.makeGauge(descriptor: Self.name("last_tick_timestamp", "seconds", "When the control loop last completed a tick"))
        generation = registry.makeGauge(descriptor: Self.name("config_generation", "", "Configurations applied since start, the first included"))
        generation.set(to: 1)
    }

    func recordTick(
        _ entries: [JournalEntry], learned: [String: LearnedTimings] = [:], duration: Duration, journalWrite write: Duration?, at time: Date
    ) {
        tickDuration.record(duration)
        if let write { journalWrite.record(write) }
        lastTick.set(to: time.timeIntervalSince1970)
        for entry in entries { record(entry) }
        for (endpoint, timings) in learned { record(timings, endpoint: endpoint) }
    }

    /// Unknown until measured is NaN, as for the observed values.
    private func record(_ timings: LearnedTimings, endpoint name: String) {
        let endpoint = [("endpoint", name)]
        gauge("endpoint_cold_start", "seconds", "Median cold start measured from scale-up to ready workers", endpoint, timings.coldStart ?? .nan)
        gauge("endpoint_service_time", "seconds", "Median service time of one request, learned from busy stretches", endpoint, timings.serviceTime ?? .nan)
        gauge("endpoint_idle_timeout", "seconds", "Idle timeout in force, learned when adaptive", endpoint, timings.idleTimeout)
        // Only endpoints with an SLO have these: no series for a policy that has no objective.
        if let scale = timings.headroomScale {
            gauge("endpoint_slo_over_target", "ratio", "Share of load-weighted time past the SLO's wait over its window", endpoint, timings.overTargetShare ?? .nan)
            gauge("endpoint_slo_headroom_scale", "ratio", "Factor the SLO's feedback has put on the learned headroom", endpoint, scale)
        }
    }

    /// One attempt at one provider's API: its HTTP status, or `none` when no answer came.
    func recordProviderRequest(provider: String, method: String, status: Int?) {
        counter("provider_requests", "Requests to providers' APIs by answer",
                [("provider", provider), ("method", method), ("code", status.map(String.init) ?? "none")])
    }

    /// The journal's own state: rows waiting for it, whether acting has stopped for it, and the
    /// evaluations it could not record (journalled as gap rows once it can).
    func recordJournal(waiting: Int, unavailable: Bool, lost: Int) {
        gauge("journal_waiting_rows", "", "Journal rows a failed write left waiting", [], Double(waiting))
        gauge("journal_unavailable", "", "1 while the journal refuses writes past its buffer and nothing is acted on", [], unavailable ? 1 : 0)
        gauge("journal_unrecorded_evaluations", "", "Evaluations neither written nor kept, until their gap rows are written", [], Double(lost))
    }

    /// The run's version, start and pace: an alert compares the last tick's age with the tick
    /// in force, so that a slow tick is not taken for a dead loop.
    func recordStart(at time: Date, tick: Double) {
        gauge("build_info", "", "The running scalerd's version (always 1)", [("version", ScalerdVersion.current)], 1)
        gauge("start_time", "seconds", "When this run of scalerd started", [], time.timeIntervalSince1970)
        recordTickInterval(tick)
    }

    func recordTickInterval(_ tick: Double) {
        gauge("tick_interval", "seconds", "The tick in force", [], tick)
    }

    func recordReload(applied: Bool, generation value: Int) {
        registry.makeCounter(descriptor: Self.name("config_reloads", "total", "Configuration reloads by result"),
                             labels: [("result", applied ? "applied" : "refused")]).increment()
        generation.set(to: Double(value))
    }

    private func record(_ entry: JournalEntry) {
        let endpoint = [("endpoint", entry.endpoint)]
        gauge("endpoint_current_replicas", "", "Replicas the provider runs", endpoint, Double(entry.currentReplicas))
        gauge("endpoint_desired_replicas", "", "Replicas scalerd decided", endpoint, Double(entry.desired))
        // Unknown is NaN, not zero: a zero would read as an idle endpoint.
        gauge("endpoint_queue_delay", "seconds", "Queue delay observed", endpoint, entry.queueDelay ?? .nan)
        gauge("endpoint_in_flight", "", "Requests in flight observed", endpoint, entry.inFlight.map(Double.init) ?? .nan)
        gauge("endpoint_queued", "", "Requests queued observed", endpoint, entry.queued.map(Double.init) ?? .nan)
        counter("decisions", "Decisions by endpoint and action", endpoint + [("action", entry.action.rawValue)])
        if entry.pushed { counter("provider_pushes", "Settings pushed to the provider", endpoint) }
        if let kind = entry.errorKind, kind != .journalUnavailable {
            counter("provider_errors", "Provider failures (reads, pushes, waits it asked for) by provider and kind", [("provider", entry.provider), ("kind", kind.rawValue)])
        }
        if entry.metricStatus != .fresh {
            counter("metric_errors", "Evaluations without usable metrics, by status and the source's failure kind",
                    endpoint + [("status", entry.metricStatus.rawValue), ("kind", entry.metricErrorKind?.rawValue ?? "none")])
        }
    }

    private func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
        registry.makeGauge(descriptor: Self.name(name, unit, help), labels: labels).set(to: value)
    }

    private func counter(_ name: String, _ help: String, _ labels: [(String, String)]) {
        registry.makeCounter(descriptor: Self.name(name, "total", help), labels: labels).increment()
    }
}
