import Foundation
import ScalerConfig
import ScalerCore
import ScalerJournal

/// What the running daemon knows about itself, for the admin API: written by the control loop
/// after each tick and reload, read by request handlers.
actor DaemonStatus {
    struct EndpointView: Sendable, Encodable {
        let name: String
        let provider: String
        let providerID: String
        let mode: String
        let policyVersion: String
        /// Decided and journalled, never pushed, until an operator resumes it.
        let paused: Bool
        /// The latest decision, with its inputs, reason and the provider's answer.
        let last: JournalEntry?
        /// The cold start, service time and idle timeout learned from the endpoint's samples.
        let learned: LearnedTimings?
    }

    /// This run, as `GET /v1/daemon` shows it.
    struct RunView: Sendable, Encodable {
        let version: String
        let pid: Int
        let startedAt: Date?
        let configGeneration: Int
        let configVersion: String
        let tick: Double
        let ticks: Int
        let lastTick: Date?
        let healthy: Bool
        /// How the run before this one ended: a stop, or no stop and nothing known after its last
        /// evaluation. Absent for the journal's first run.
        let previousRun: PreviousRun?
        /// This instance's part in high availability; absent without `ha:`.
        let leadership: LeadershipView?
    }

    /// Whether this instance leads its group, as of its last claim.
    struct LeadershipView: Sendable, Encodable, Equatable {
        enum Role: String, Sendable, Encodable {
            case leader, standby
        }

        let group: String
        /// This instance's name in the lease table.
        let holder: String
        let role: Role
        /// The term this instance leads in.
        let epoch: Int64?
        /// Who leads, when another does.
        let leader: String?
        /// Why this instance stands by.
        let reason: String?
        /// The last change of leadership this instance saw, and when.
        let lastChange: String?
        let lastChangeAt: Date?
        /// Each shard's lease (`ha.shards` above 1): who leads it, this instance or another.
        var shards: [ShardView]?

        struct ShardView: Sendable, Encodable, Equatable {
            let shard: Int
            let lease: String
            let role: Role
            /// The term this instance leads the shard in.
            let epoch: Int64?
            /// Why this instance does not lead it.
            let reason: String?
        }
    }

    private(set) var tick: Double
    private(set) var configVersion: String
    private var startedAt: Date?
    private var previousRun: PreviousRun?
    private(set) var lastTickAt: Date?
    private(set) var ticks = 0
    /// How long the last tick took: a loop whose ticks outlast the interval is slow, not stuck.
    private var lastTickDuration: Double = 0
    private(set) var configGeneration = 1
    private var endpoints: [EndpointConfig]
    /// Each endpoint's policy version, computed once per config: it is a fingerprint of the
    /// whole endpoint's JSON.
    private var policyVersions: [String: String]
    /// Where each endpoint is in `endpoints`: one endpoint's view is found without a search.
    private var positions: [String: Int] = [:]
    private var latest = LatestDecisions()
    private var learned: [String: LearnedTimings] = [:]
    private(set) var paused: Set<String>
    /// Why the daemon is not acting, while its journal refuses writes.
    private(set) var journalProblem: String?
    private(set) var leadership: LeadershipView?

    /// `policyVersions`: each endpoint's, when its runtime has computed them already.
    init(config: ScalerdConfig, paused: Set<String> = [], policyVersions known: [String: String]? = nil) {
        tick = config.tick
        endpoints = config.endpoints
        (policyVersions, configVersion) = Self.versions(of: config, known: known)
        positions = Self.positions(of: config)
        self.paused = paused
    }

    func recordStart(at time: Date, previousRun: PreviousRun?) {
        startedAt = time
        self.previousRun = previousRun
    }

    func runView(pid: Int, now: Date) -> RunView {
        RunView(
            version: ScalerdVersion.current, pid: pid, startedAt: startedAt, configGeneration: configGeneration, configVersion: configVersion,
            tick: tick, ticks: ticks, lastTick: lastTickAt, healthy: isHealthy(now: now), previousRun: previousRun, leadership: leadership
        )
    }

    func recordLeadership(_ view: LeadershipView) {
        leadership = view
    }

    /// Whether `name` is a configured endpoint, and so can be paused.
    func knows(_ name: String) -> Bool {
        positions[name] != nil
    }

    func setPaused(_ name: String, _ isPaused: Bool) {
        if isPaused { paused.insert(name) } else { paused.remove(name) }
    }

    func recordTick(
        _ entries: [JournalEntry], learned timings: [String: LearnedTimings] = [:], journalProblem: String? = nil, duration: Double = 0, at time: Date
    ) {
        ticks += 1
        lastTickDuration = duration
        self.journalProblem = journalProblem
        lastTickAt = time
        latest.record(entries)
        learned.merge(timings) { $1 }
    }

    func recordReload(_ config: ScalerdConfig, policyVersions known: [String: String]? = nil) {
        configGeneration += 1
        tick = config.tick
        endpoints = config.endpoints
        (policyVersions, configVersion) = Self.versions(of: config, known: known)
        positions = Self.positions(of: config)
        let names = Set(config.endpoints.map(\.name))
        latest.keep(names)
        learned = learned.filter { names.contains($0.key) }
    }

    /// Healthy while the loop completes ticks: none for three ticks (and a grace for the
    /// journal) means it is stuck. A tick is as long as the interval or as the last one took,
    /// whichever is longer, so that many endpoints are not taken for a stall.
    func isHealthy(now: Date) -> Bool {
        guard let lastTickAt else { return false }
        return now.timeIntervalSince(lastTickAt) <= ControlledTime.silence(tick: max(tick, lastTickDuration))
    }

    /// How long a pushed sample for `name` counts, or why the endpoint takes no pushes.
    func pushTTL(for name: String) -> Result<Double, PushRefusal> {
        guard let endpoint = positions[name].map({ endpoints[$0] }) else { return .failure(.unknownEndpoint) }
        guard endpoint.metrics.source == .push else { return .failure(.notPushed(endpoint.metrics.source.rawValue)) }
        return .success(endpoint.metrics.ttl ?? endpoint.policy.maxMetricAge)
    }

    private static func positions(of config: ScalerdConfig) -> [String: Int] {
        Dictionary(config.endpoints.enumerated().map { ($1.name, $0) }) { first, _ in first }
    }

    private static func versions(of config: ScalerdConfig, known: [String: String]?) -> (byEndpoint: [String: String], config: String) {
        let versions = config.endpoints.map { known?[$0.name] ?? $0.policyVersion }
        let byEndpoint = Dictionary(zip(config.endpoints.map(\.name), versions)) { first, _ in first }
        return (byEndpoint, config.version(policyVersions: versions))
    }

    func views() -> [EndpointView] {
        endpoints.map(view)
    }

    /// At most `limit` views in the config's order, from the endpoint after `after` (`nil`: the
    /// first), only `provider`'s if given; and the name to continue after, if more remain.
    func views(after: String?, limit: Int, provider: String?) -> (views: [EndpointView], next: String?)? {
        var start = 0
        if let after {
            guard let index = positions[after] else { return nil }
            start = index + 1
        }
        var page: [EndpointView] = []
        var index = start
        while index < endpoints.count, page.count < limit {
            if provider.map({ endpoints[index].provider == $0 }) ?? true { page.append(view(endpoints[index])) }
            index += 1
        }
        let remaining = endpoints[index...].contains { endpoint in provider.map { endpoint.provider == $0 } ?? true }
        return (page, remaining ? page.last?.name : nil)
    }

    /// One endpoint's view, without building the others'.
    func view(named name: String) -> EndpointView? {
        positions[name].map { view(endpoints[$0]) }
    }

    private func view(_ endpoint: EndpointConfig) -> EndpointView {
        EndpointView(
            name: endpoint.name, provider: endpoint.provider, providerID: endpoint.id, mode: endpoint.mode.rawValue,
            policyVersion: policyVersions[endpoint.name] ?? endpoint.policyVersion, paused: paused.contains(endpoint.name),
            last: latest[endpoint.name], learned: learned[endpoint.name]
        )
    }
}

enum PushRefusal: Error {
    case unknownEndpoint
    case notPushed(String)
}
