import Foundation
import Prometheus
import ScalerCore
import ScalerJournal
import Synchronization

/// The daemon's Prometheus series, served at `/metrics`.
final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let tickDuration: DurationHistogram
    private let journalWrite: DurationHistogram
    private let lastTick: Gauge
    private let generation: Gauge
    private let endpoints = EndpointSeries()
    /// The series whose labels are only known when they first occur (a provider's error kind, an
    /// HTTP status), each registered once.
    private let occasional = Mutex<[OccasionalKey: OccasionalSeries]>([:])

    private struct OccasionalKey: Hashable {
        let name: String
        let labels: [String]
    }

    private enum OccasionalSeries {
        case gauge(Gauge)
        case counter(Counter)
    }

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
        endpoints.record(entries, learned: learned)
        for entry in entries {
            if let kind = entry.errorKind, !kind.marksAGap {
                counter("provider_errors", "Provider failures (reads, pushes, waits it asked for) by provider and kind", [("provider", entry.provider), ("kind", kind.rawValue)])
            }
        }
    }

    /// Drops the series of endpoints a reload removed.
    func keepEndpoints(_ names: Set<String>) {
        endpoints.keep(names)
    }

    /// What `/metrics` serves: the registry's series, then every endpoint's.
    func exposition() -> [UInt8] {
        registry.emitToBuffer() + Array(endpoints.exposition().utf8)
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

    /// High availability: whether this instance leads, in which epoch, and each change it saw.
    func recordLeadership(leading: Bool, epoch: Int64?, shardsLed: Int, changes: [String], claim: Duration? = nil) {
        if let claim {
            counter("ha_claims", "Lease claim rounds (one a tick, every shard's claims in one)", [])
            add("ha_claim_seconds", "Time spent claiming the leases, answered or not", claim.seconds)
        }
        gauge("ha_leader", "", "1 while this instance leads its group (with ha.shards, some shard of it) and may push, 0 while it stands by", [], leading ? 1 : 0)
        gauge("ha_shards_led", "", "How many of the group's shards this instance leads (1 or 0 without ha.shards)", [], Double(shardsLed))
        gauge("ha_epoch", "", "The newest lease epoch this instance leads or last led in", [], Double(epoch ?? 0))
        for change in changes {
            counter("ha_leadership_changes", "Leadership changes this instance saw, by kind (acquired, standing_by, fenced, lost, released)", [("change", change)])
        }
    }

    func recordReload(applied: Bool, generation value: Int) {
        counter("config_reloads", "Configuration reloads by result", [("result", applied ? "applied" : "refused")])
        generation.set(to: Double(value))
    }

    private func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
        let series = occasional(name, labels) { .gauge(registry.makeGauge(descriptor: Self.name(name, unit, help), labels: labels)) }
        if case .gauge(let gauge) = series { gauge.set(to: value) }
    }

    private func add(_ name: String, _ help: String, _ amount: Double) {
        let series = occasional(name, []) { .counter(registry.makeCounter(descriptor: Self.name(name, "total", help))) }
        if case .counter(let counter) = series { counter.increment(by: amount) }
    }

    private func counter(_ name: String, _ help: String, _ labels: [(String, String)]) {
        let series = occasional(name, labels) { .counter(registry.makeCounter(descriptor: Self.name(name, "total", help), labels: labels)) }
        if case .counter(let counter) = series { counter.increment() }
    }

    private func occasional(_ name: String, _ labels: [(String, String)], make: () -> OccasionalSeries) -> OccasionalSeries {
        let key = OccasionalKey(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        return occasional.withLock { known in
            if let series = known[key] { return series }
            let made = make()
            known[key] = made
            return made
        }
    }
}
