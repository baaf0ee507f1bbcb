import Foundation
import Logging
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerJournal

/// Evaluates every endpoint once per tick and journals the tick as one transaction. Owned by the
/// service's run loop alone, so its state needs no lock.
struct Controller {
    private(set) var config: ScalerdConfig
    private(set) var runtimes: [EndpointRuntime]
    private var states: [String: ScalerState] = [:]
    /// Rows a failed journal write could not store yet; written first on the next tick.
    private var buffer: JournalBuffer
    private var failures = FailureLog()
    private var journalReported: Date?
    /// Each endpoint's newest state, saved with the next write that succeeds.
    private var unsavedStates: [String: EndpointState] = [:]
    let journal: Journal
    let status: DaemonStatus
    let metrics: DaemonMetrics
    var logger: Logger
    let clock: @Sendable () -> Date
    /// What the tick's deadlines wait on.
    let monotonicClock: any Clock<Duration>
    let maxConcurrentEndpoints: Int

    init(config: ScalerdConfig, runtimes: [EndpointRuntime], journal: Journal, status: DaemonStatus? = nil,
         metrics: DaemonMetrics = DaemonMetrics(), logger: Logger, clock: @escaping @Sendable () -> Date,
         monotonicClock: any Clock<Duration> = ContinuousClock(), maxConcurrentEndpoints: Int = 8, journalBuffer: Int = 10_000) {
        self.monotonicClock = monotonicClock
        buffer = JournalBuffer(capacity: journalBuffer)
        self.metrics = metrics
        self.config = config
        self.runtimes = runtimes
        self.journal = journal
        self.status = status ?? DaemonStatus(config: config)
        self.logger = logger
        self.clock = clock
        self.maxConcurrentEndpoints = maxConcurrentEndpoints
    }

    /// Swaps in a validated config; endpoints that remain keep their history.
    mutating func replace(config: ScalerdConfig, runtimes: [EndpointRuntime]) async {
        await status.recordReload(config)
        self.config = config
        self.runtimes = runtimes
        let names = Set(runtimes.map(\.config.name))
        states = states.filter { names.contains($0.key) }
    }

    /// Carries on from the states the journal saved before a restart, as far as they still hold,
    /// and says for each endpoint what was kept.
    mutating func restoreStates() {
        let saved: [EndpointState]
        do {
            saved = try journal.endpointStates()
        } catch {
            logger.error("cannot read the endpoints' saved states; every endpoint starts afresh", metadata: ["error": "\(error)"])
            return
        }
        let now = clock()
        for runtime in runtimes {
            guard let state = saved.first(where: { $0.endpoint == runtime.config.name }) else { continue }
            let (resumed, note) = state.state.resumed(
                savedAt: state.savedAt, samePolicy: state.policyVersion == runtime.policyVersion, policy: runtime.config.policy, now: now
            )
            states[runtime.config.name] = resumed
            logger.notice("\(note)", metadata: ["endpoint": "\(runtime.config.name)", "saved_at": "\(JournalFormatter.timestamp(state.savedAt))"])
        }
    }

    func recordPolicyVersions() async {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for runtime in runtimes {
            let json = (try? encoder.encode(runtime.config)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            do {
                try await journal.recordPolicyVersion(runtime.policyVersion, endpoint: runtime.config.name, configJSON: json, at: clock())
            } catch {
                logger.error("cannot record policy version", metadata: ["endpoint": "\(runtime.config.name)", "error": "\(error)"])
            }
        }
    }

    @discardableResult
    mutating func tick() async -> TickSummary {
        let started = ContinuousClock.now
        // Observe and act each get under half the tick, so the tick, journal write included, ends in time.
        let budget = max(0.2, config.tick * 0.45)
        let paused = await status.paused
        // A journal that failed past its buffer is tried first, so that a tick after it recovers acts.
        if buffer.isFull { _ = await write() }
        let unrecorded = journalUnavailable
        let evaluations = runtimes.map {
            EndpointEvaluation(
                runtime: $0, state: states[$0.config.name] ?? ScalerState(), paused: paused.contains($0.config.name),
                journalUnavailable: unrecorded, budget: budget, clock: clock, monotonicClock: monotonicClock
            )
        }
        let results = await Self.runBounded(evaluations, width: maxConcurrentEndpoints)
        let byName = Dictionary(uniqueKeysWithValues: runtimes.map { ($0.config.name, $0) })
        var learned: [String: LearnedTimings] = [:]
        var failing: [FailureLog.Key: String] = [:]
        let decidedAt = clock()
        for result in results {
            states[result.endpoint] = result.decision.nextState
            if let runtime = byName[result.endpoint] {
                learned[result.endpoint] = result.decision.nextState.learned(under: runtime.config.policy)
                unsavedStates[result.endpoint] = EndpointState(
                    endpoint: result.endpoint, policyVersion: runtime.policyVersion, savedAt: decidedAt, state: result.decision.nextState
                )
            }
            log(result)
            for (key, message) in Self.failures(of: result.entry) { failing[key] = message }
        }
        failures.record(failing, at: clock(), to: logger)
        let entries = results.map(\.entry)
        buffer.keep(entries)
        let writeTime = await write()
        let now = clock()
        let problem = journalUnavailable
        await status.recordTick(entries, learned: learned, journalProblem: problem, at: now)
        metrics.recordTick(entries, learned: learned, duration: ContinuousClock.now - started, journalWrite: writeTime, at: now)
        metrics.recordJournal(waiting: buffer.pending.count, unavailable: problem != nil, lost: buffer.lostEvaluations)
        return TickSummary(entries: entries, journalProblem: problem, at: now)
    }

    /// Why nothing is acted on: the journal has refused writes for longer than its buffer lasts.
    var journalUnavailable: String? {
        guard buffer.isFull else { return nil }
        let since = buffer.failingSince.map(JournalFormatter.timestamp) ?? "?"
        return "journal unavailable since \(since) (\(buffer.lastError ?? "unknown error")); \(buffer.pending.count) row(s) waiting: not acting without a record"
    }

    /// Writes what the buffer holds; says when writes start failing, when acting stops, once a
    /// minute while it lasts, and when the journal takes writes again.
    private mutating func write() async -> Duration? {
        let rows = buffer.rowsToWrite()
        let started = ContinuousClock.now
        let now = clock()
        do {
            try await journal.append(rows, states: unsavedStates.keys.sorted().compactMap { unsavedStates[$0] })
            unsavedStates = [:]
            if buffer.failingSince != nil {
                logger.notice("journal writable again", metadata: [
                    "written": "\(rows.count)", "not_recorded": "\(buffer.lostEvaluations)", "unavailable_since": "\(buffer.failingSince.map(JournalFormatter.timestamp) ?? "")",
                ])
            }
            buffer.written()
            journalReported = nil
            return ContinuousClock.now - started
        } catch {
            let wasFull = buffer.isFull
            buffer.failed("\(error)", at: now)
            let metadata: Logger.Metadata = ["error": "\(error)", "waiting": "\(buffer.pending.count)", "capacity": "\(buffer.capacity)", "not_recorded": "\(buffer.lostEvaluations)"]
            if buffer.isFull && !wasFull {
                logger.critical("journal unavailable and its buffer is full: not acting on any endpoint until it can be written", metadata: metadata)
                journalReported = now
            } else if journalReported.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
                logger.error(buffer.isFull ? "journal still unavailable: not acting" : "journal write failed; rows kept, acting goes on until the buffer is full", metadata: metadata)
                journalReported = now
            }
            return nil
        }
    }

    /// At a graceful stop: each endpoint handed back as its `on_stop` says, within a budget that
    /// keeps the stop inside systemd's `TimeoutStopSec` whatever the providers do.
    func handBack() async -> [HandBackRecord] {
        let records = await HandBack.run(runtimes, paused: await status.paused, within: HandBack.budget(tick: config.tick), clock: monotonicClock)
        for record in records where record.action == .released {
            let floor = record.pushedMinReplicas ?? 0
            if record.outcome == .ok {
                logger.notice("on_stop release: floor set to \(floor)", metadata: ["endpoint": "\(record.endpoint)"])
            } else {
                logger.error("on_stop release: could not set the floor to \(floor); the provider keeps the last one", metadata: [
                    "endpoint": "\(record.endpoint)", "kind": "\(record.errorKind?.rawValue ?? "")", "error": "\(record.detail ?? "")",
                ])
            }
        }
        return records
    }

    /// At shutdown: one last try for rows a failed write kept, `last` (the stop record), then a
    /// checkpoint so the journal is one self-contained file.
    mutating func flush(then last: () async -> Void = {}) async {
        if !buffer.isEmpty {
            do {
                try await journal.append(buffer.rowsToWrite(), states: Array(unsavedStates.values))
                buffer.written()
            } catch {
                logger.critical("stopping with journal rows that could not be written", metadata: [
                    "rows": "\(buffer.pending.count)", "not_recorded": "\(buffer.lostEvaluations)", "error": "\(error)",
                ])
            }
        }
        await last()
        do {
            try journal.checkpoint()
        } catch {
            logger.warning("journal checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    private static func runBounded(_ evaluations: [EndpointEvaluation], width: Int) async -> [EndpointEvaluation.Outcome] {
        await withTaskGroup(of: EndpointEvaluation.Outcome.self) { group in
            var pending = evaluations.makeIterator()
            for _ in 0..<max(1, width) {
                guard let next = pending.next() else { break }
                group.addTask { await next.run() }
            }
            var results: [EndpointEvaluation.Outcome] = []
            while let result = await group.next() {
                results.append(result)
                if let next = pending.next() { group.addTask { await next.run() } }
            }
            return results.sorted { $0.endpoint < $1.endpoint }
        }
    }

    private func log(_ result: EndpointEvaluation.Outcome) {
        let entry = result.entry
        let metadata: Logger.Metadata = [
            "endpoint": "\(entry.endpoint)", "action": "\(entry.action.rawValue)", "current": "\(entry.currentReplicas)",
            "desired": "\(entry.desired)", "outcome": "\(entry.outcome.rawValue)", "metrics": "\(entry.metricStatus.rawValue)",
        ]
        if entry.action != .hold {
            logger.info("\(entry.reason)", metadata: metadata)
        } else {
            logger.debug("\(entry.reason)", metadata: metadata)
        }
    }

    /// What failed in one evaluation, by source and kind; `FailureLog` decides what to say.
    static func failures(of entry: JournalEntry) -> [(FailureLog.Key, String)] {
        var found: [(FailureLog.Key, String)] = []
        if let kind = entry.metricErrorKind?.rawValue ?? (entry.metricStatus == .fresh ? nil : entry.metricStatus.rawValue) {
            found.append((FailureLog.Key(endpoint: entry.endpoint, source: "metrics", kind: kind), entry.metricError ?? entry.reason))
        }
        // The journal's own state is reported by the controller, not per endpoint.
        if let kind = entry.errorKind, kind != .journalUnavailable {
            let source = entry.pushed ? "push" : "provider"
            found.append((FailureLog.Key(endpoint: entry.endpoint, source: source, kind: kind.rawValue), entry.errorMessage ?? ""))
        }
        return found
    }
}
