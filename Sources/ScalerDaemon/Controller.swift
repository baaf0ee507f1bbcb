import Foundation
import Logging
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerJournal
import ScalerPorts

/// Evaluates every endpoint once per tick and journals the tick as one transaction. Owned by the
/// service's run loop alone, so its state needs no lock.
struct Controller {
    private(set) var config: ScalerdConfig
    private(set) var runtimes: [EndpointRuntime]
    /// What each endpoint's next decision starts from, in the order of `runtimes`: a tick of
    /// 10,000 endpoints looks nothing up by name.
    private var memory: [EndpointMemory]
    /// Rows a failed journal write could not store yet; written first on the next tick.
    private var buffer: JournalBuffer
    private var failures = FailureLog()
    /// The shared journal's refusal of this instance's rows of a past lease term, until they
    /// are dropped at the next write.
    private var staleRowsRefused: JournalError?
    private var journalReported: Date?
    /// Each endpoint's newest state, saved with the next write that succeeds.
    private var unsavedStates: [String: EndpointState] = [:]
    let journal: any JournalStore
    let status: DaemonStatus
    let metrics: DaemonMetrics
    var logger: Logger
    let clock: @Sendable () -> Date
    /// What the tick's deadlines wait on.
    let monotonicClock: any Clock<Duration>
    let maxConcurrentEndpoints: Int

    init(config: ScalerdConfig, runtimes: [EndpointRuntime], journal: any JournalStore, status: DaemonStatus? = nil,
         metrics: DaemonMetrics = DaemonMetrics(), logger: Logger, clock: @escaping @Sendable () -> Date,
         monotonicClock: any Clock<Duration> = ContinuousClock(), maxConcurrentEndpoints: Int = 32, journalBuffer: Int = 10_000) {
        self.monotonicClock = monotonicClock
        buffer = JournalBuffer(capacity: journalBuffer)
        self.metrics = metrics
        self.config = config
        self.runtimes = runtimes
        memory = Array(repeating: EndpointMemory(), count: runtimes.count)
        self.journal = journal
        self.status = status ?? DaemonStatus(config: config)
        self.logger = logger
        self.clock = clock
        self.maxConcurrentEndpoints = maxConcurrentEndpoints
    }

    /// Swaps in a validated config; endpoints that remain keep their history.
    mutating func replace(config: ScalerdConfig, runtimes: [EndpointRuntime]) async {
        await status.recordReload(config, policyVersions: runtimes.policyVersions)
        self.config = config
        let kept = Dictionary(zip(self.runtimes.map(\.config.name), memory)) { first, _ in first }
        memory = runtimes.map { kept[$0.config.name] ?? EndpointMemory() }
        self.runtimes = runtimes
    }

    /// Carries on from the states the journal saved before a restart (or, in a journal the group
    /// shares, that the last leader saved, when this instance takes over), as far as they still
    /// hold, and says for each endpoint what was kept.
    mutating func restoreStates(of restores: (String) -> Bool = { _ in true }) async {
        let saved: [EndpointState]
        do {
            saved = try await journal.endpointStates()
        } catch {
            logger.error("cannot read the endpoints' saved states; every endpoint starts afresh", metadata: ["error": "\(error)"])
            return
        }
        let now = clock()
        let byEndpoint = Dictionary(saved.map { ($0.endpoint, $0) }) { first, _ in first }
        for (index, runtime) in runtimes.enumerated() {
            guard restores(runtime.config.name), let state = byEndpoint[runtime.config.name] else { continue }
            let (resumed, note) = state.state.resumed(
                savedAt: state.savedAt, samePolicy: state.policyVersion == runtime.policyVersion, policy: runtime.config.policy, now: now
            )
            memory[index].state = resumed
            logger.notice("\(note)", metadata: ["endpoint": "\(runtime.config.name)", "saved_at": "\(JournalFormatter.timestamp(state.savedAt))"])
        }
    }

    func recordPolicyVersions() async {
        let versions = runtimes.map { PolicyVersionRecord(version: $0.policyVersion, endpoint: $0.config.name, configJSON: $0.configJSON) }
        do {
            try await journal.recordPolicyVersions(versions, at: clock())
        } catch {
            logger.error("cannot record the policy versions", metadata: ["error": "\(error)"])
        }
    }

    /// One tick; `acting` says whether it may push (high availability), and for how long.
    @discardableResult
    mutating func tick(acting: Acting = .alone) async -> TickSummary {
        let started = ContinuousClock.now
        // Observe and act each get under half the tick, so the tick, journal write included, ends in time.
        let budget = max(0.2, config.tick * 0.45)
        let paused = await status.paused
        // A journal that failed past its buffer is tried first, so that a tick after it recovers acts.
        let epochs = acting.epochs
        if buffer.isFull { _ = await write([], epochs: epochs) }
        let unrecorded = journalUnavailable
        let perEndpoint = acting.perEndpoint(runtimes)
        var (entries, nextStates) = await evaluate(paused: paused, journalUnavailable: unrecorded, acting: acting, perEndpoint: perEndpoint, budget: budget)
        // Each row says in which term it was decided: a shared journal refuses a past one's.
        if !epochs.isEmpty {
            for index in entries.indices { entries[index].epoch = (perEndpoint?[index] ?? acting).epoch }
        }
        var learned: [String: LearnedTimings] = [:]
        learned.reserveCapacity(nextStates.count)
        var failing: [FailureLog.Key: String] = [:]
        let decidedAt = clock()
        let actionInterval = journal.holdWriteInterval
        // In a journal the group shares, the record and the saved states are the leader's: a
        // standby's decisions stay in memory, warm for a take-over, and overwrite nothing. With
        // shards, that is decided per endpoint: this instance may lead some shards only.
        let shared = journal.isShared
        let records = { (index: Int) in !(shared && (perEndpoint?[index] ?? acting).isStandby) }
        // The phases keep the order of `runtimes`, so a result's endpoint is found by position.
        for index in nextStates.indices {
            let runtime = runtimes[index]
            let name = runtime.config.name
            let nextState = nextStates[index]
            let recordsDecisions = records(index)
            memory[index].state = nextState
            memory[index].decidedThisRun = true
            memory[index].recorded = recordsDecisions
            learned[name] = nextState.learned(under: runtime.config.policy)
            let maxAge = runtime.config.policy.maxMetricAge
            let lastSaved = memory[index].stateSavedAt ?? Self.staggeredStart(of: name, at: decidedAt, maxAge: maxAge)
            if entries[index].action != .hold { memory[index].actedSinceSaved = true }
            if recordsDecisions, Self.savesState(actedSinceSaved: memory[index].actedSinceSaved, at: entries[index].at, lastSaved: lastSaved, maxAge: maxAge, actionInterval: actionInterval) {
                unsavedStates[name] = EndpointState(endpoint: name, policyVersion: runtime.policyVersion, savedAt: decidedAt, state: nextState)
                memory[index].stateSavedAt = decidedAt
                memory[index].actedSinceSaved = false
            }
            log(entries[index])
            for (key, message) in Self.failures(of: entries[index]) { failing[key] = message }
        }
        failures.record(failing, at: clock(), to: logger)
        // Copied only when some rows are left out: 10,000 of them are a few MB.
        let recorded = perEndpoint == nil ? (records(0) ? entries : []) : entries.indices.filter(records).map { entries[$0] }
        let writeTime = await write(recorded, epochs: epochs)
        let now = clock()
        let problem = journalUnavailable
        let duration = ContinuousClock.now - started
        await status.recordTick(entries, learned: learned, journalProblem: problem, duration: duration.seconds, at: now)
        metrics.recordTick(entries, learned: learned, duration: duration, journalWrite: writeTime, at: now)
        metrics.recordJournal(waiting: buffer.pending.count, unavailable: problem != nil, lost: buffer.lostEvaluations)
        return TickSummary(entries: entries, journalProblem: problem, at: now)
    }

    /// Encoding every endpoint's state every tick cost more than deciding, and so did saving it
    /// at every action (a busy tick acts on a third of 10,000 endpoints, each state a few KB):
    /// a state is saved at most every `journal.hold_write_interval` while its endpoint acts (at
    /// once when that is 0), else once half its `max_age` has passed, so that a restart after a
    /// crash still finds it young enough to carry on whole (`ScalerState.resumed`) and at most
    /// that interval behind the journal's rows.
    static func savesState(actedSinceSaved: Bool, at time: Date, lastSaved: Date?, maxAge: TimeInterval, actionInterval: TimeInterval) -> Bool {
        guard let lastSaved else { return true }
        let interval = actedSinceSaved ? min(actionInterval, maxAge / 2) : maxAge / 2
        return time.timeIntervalSince(lastSaved) >= interval
    }

    /// When an endpoint not saved yet in this run counts as last saved: spread over half its
    /// `max_age` by its name, so that 10,000 endpoints' holds are not all saved at the first tick
    /// and again together every half `max_age` after.
    static func staggeredStart(of endpoint: String, at time: Date, maxAge: TimeInterval) -> Date {
        time.addingTimeInterval(-Stagger.fraction(of: endpoint) * maxAge / 2)
    }

    /// Why nothing is acted on: the journal has refused writes for longer than its buffer lasts.
    var journalUnavailable: String? {
        guard buffer.isFull else { return nil }
        let since = buffer.failingSince.map(JournalFormatter.timestamp) ?? "?"
        return "journal unavailable since \(since) (\(buffer.lastError ?? "unknown error")); \(buffer.pending.count) row(s) waiting: not acting without a record"
    }

    /// Writes `entries` after what the buffer holds (past the buffer when it holds nothing, as
    /// it does but after a failure); says when writes start failing, when acting stops, once a
    /// minute while it lasts, and when the journal takes writes again.
    private mutating func write(_ entries: [JournalEntry], epochs: Set<Int64>) async -> Duration? {
        let direct = buffer.isEmpty
        if !direct { buffer.keep(entries) }
        let rows = direct ? entries : buffer.rowsToWrite()
        let ofLostTerm = { (row: JournalEntry) in row.epoch.map { !epochs.contains($0) } ?? false }
        if !direct, rows.contains(where: ofLostTerm), let refused = staleRowsRefused {
            // Rows of a term this instance no longer leads, which the shared journal refused:
            // its successor's record already goes past them. Retried, they would block it for
            // ever; they are recorded as gap rows of no term instead, which it takes.
            let dropped = buffer.refuse(where: ofLostTerm)
            logger.critical("rows of a lease term this instance no longer leads could not be recorded: the shared journal took a later term's first; gap rows say so", metadata: [
                "rows": "\(dropped.rows)", "evaluations": "\(dropped.evaluations)", "error": "\(refused)",
            ])
            staleRowsRefused = nil
            return await write([], epochs: epochs)
        }
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
            if error.kind == .staleEpoch { staleRowsRefused = error }
            let wasFull = buffer.isFull
            if direct { buffer.keep(entries) }
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

    /// At shutdown: one last try for rows a failed write kept, `last` (the stop record), then
    /// the journal closed whole (a SQLite file checkpointed into one self-contained file).
    mutating func flush(then last: () async -> Void = {}) async {
        // Every state this run decided, as of its last decision; one restored and never
        // decided on stays as saved.
        let states = zip(runtimes, memory).compactMap { runtime, memory -> EndpointState? in
            guard memory.decidedThisRun, memory.recorded else { return nil }
            return EndpointState(endpoint: runtime.config.name, policyVersion: runtime.policyVersion, savedAt: memory.state.lastDecisionAt ?? clock(), state: memory.state)
        }
        do {
            try await journal.append(buffer.rowsToWrite(), states: states, completingHoldRuns: true)
            buffer.written()
        } catch {
            logger.critical("stopping with journal rows or endpoint states that could not be written", metadata: [
                "rows": "\(buffer.pending.count)", "not_recorded": "\(buffer.lostEvaluations)", "error": "\(error)",
            ])
        }
        await last()
        do {
            try await journal.close()
        } catch {
            logger.warning("journal close failed", metadata: ["error": "\(error)"])
        }
    }

    /// Each endpoint's evaluation, made as its turn comes: an array of 10,000 of them, each with a
    /// copy of its state, was 4.5 MB more at the peak of a tick. In a function of its own, so that
    /// the copies of `runtimes` and `memory` it hands the workers are gone before `tick` changes
    /// `memory` (else the change would copy the whole array).
    private func evaluate(
        paused: Set<String>, journalUnavailable: String?, acting: Acting, perEndpoint: [Acting]?, budget: Double
    ) async -> (entries: [JournalEntry], nextStates: [ScalerState]) {
        let (runtimes, memory, clock) = (self.runtimes, self.memory, self.clock)
        let evaluation: @Sendable (Int) -> EndpointEvaluation = { index in
            let standby: String? = if case .standby(let why) = perEndpoint?[index] ?? acting { why } else { nil }
            return EndpointEvaluation(
                runtime: runtimes[index], state: memory[index].state, paused: paused.contains(runtimes[index].config.name),
                journalUnavailable: journalUnavailable, standby: standby, budget: budget, clock: clock
            )
        }
        return await Self.evaluate(
            count: runtimes.count, evaluation, phase: TickPhase(seconds: budget, width: maxConcurrentEndpoints, clock: monotonicClock),
            windows: acting.windows, window: { perEndpoint?[$0].window ?? acting.window }
        )
    }

    /// Every endpoint read and decided in one phase, then the pushes the decisions need in a
    /// second: each phase under one deadline, so that one slow provider cannot hold the tick.
    /// A leader's pushes end within the acting `window` of the lease of the endpoint's shard, so
    /// that none is still running when another instance may take over; none starts once it has
    /// closed. `windows` are all the tick's, which bound the push phase.
    private static func evaluate(
        count: Int, _ evaluation: @escaping @Sendable (Int) -> EndpointEvaluation, phase: TickPhase,
        windows: [ActingWindow], window windowOf: (Int) -> ActingWindow?
    ) async -> (entries: [JournalEntry], nextStates: [ScalerState]) {
        var decided = await phase.run(count: count) { await evaluation($0).observeAndDecide() }
        let pushes = decided.indices.compactMap { index in
            decided[index].flatMap { item in item.plan.pushes.map { (wanted: $0, runtime: item.runtime, window: windowOf(index)) } }
        }
        let leaseLeft = windows.map { max(0, $0.remaining.seconds) }.max()
        let budget = min(phase.seconds, leaseLeft ?? phase.seconds)
        let clock = phase.clock
        let unpushed = leaseLeft.map { $0 <= phase.seconds } == true
            ? "not pushed: this instance's lease left it \(DurationText.compact(budget)) to act, and that ran out first"
            : "not pushed: the tick's \(budget)s for pushes ran out first"
        let pushed: [(ActuationOutcome, Double?)?] = budget <= 0 ? [] : await TickPhase(seconds: budget, width: phase.width, clock: clock).run(count: pushes.count) { index in
            // Checked again as each push starts, and its requests end with the window: a process
            // paused mid-phase may wake after another instance took over.
            guard let window = pushes[index].window else {
                return await EndpointEvaluation.push(pushes[index].wanted, for: pushes[index].runtime, budget: budget, clock: clock)
            }
            let left = window.remaining
            guard left > .zero else { return (.skipped(unpushed, kind: .timeout), nil) }
            return await CallDeadline.within(seconds: left.seconds, clock: clock) {
                await EndpointEvaluation.push(pushes[index].wanted, for: pushes[index].runtime, budget: budget, clock: clock)
            }
        }
        // In the config's order, as the phases keep it, each row built once: sorting or
        // copying 10,000 of them moved more memory than the decisions did.
        var nextPush = pushed.makeIterator()
        var entries: [JournalEntry] = []
        entries.reserveCapacity(count)
        // Only the states go on: a copy of every whole decision was another 5 MB a tick at
        // 10,000 endpoints.
        var nextStates: [ScalerState] = []
        nextStates.reserveCapacity(count)
        for index in 0..<count {
            let item = decided[index].take() ?? evaluation(index).unobserved()
            nextStates.append(item.decision.nextState)
            switch item.plan {
            case .done(let outcome, let drift):
                entries.append(item.entry(outcome, drift: drift, latency: nil))
            case .push(_, let drift):
                // The push phase answers every push plan, in order; nil where its deadline came first.
                let (outcome, latency) = nextPush.next().flatMap { $0 } ?? (.skipped(unpushed, kind: .timeout), nil)
                entries.append(item.entry(outcome, drift: drift, latency: latency))
            }
        }
        return (entries, nextStates)
    }

    private func log(_ entry: JournalEntry) {
        // A hold is logged at debug: its metadata is not built for a logger that drops it.
        guard entry.action != .hold || logger.logLevel <= .debug else { return }
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
        if let kind = entry.errorKind, !kind.marksAGap {
            let source = entry.pushed ? "push" : "provider"
            found.append((FailureLog.Key(endpoint: entry.endpoint, source: source, kind: kind.rawValue), entry.errorMessage ?? ""))
        }
        return found
    }
}

/// What the controller keeps for one endpoint from one tick to the next.
struct EndpointMemory {
    var state = ScalerState()
    /// When its state was last handed to the journal; never, in this run, until then.
    var stateSavedAt: Date?
    /// Whether a decision since then acted: its state is then due sooner than a hold's.
    var actedSinceSaved = false
    /// Whether this run decided on it: a stop saves its state, else the saved one stays.
    var decidedThisRun = false
    /// Whether its last decision was recorded: not while a standby of a journal its group shares.
    var recorded = true
}
