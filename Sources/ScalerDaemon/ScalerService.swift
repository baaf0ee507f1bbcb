import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ScalerConfig
import ScalerHA
import ScalerJournal
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The long-running controller: ticks from a Dispatch timer, reloads on SIGHUP between ticks
/// (never inside one), and on graceful shutdown finishes the tick in flight and flushes the journal.
struct ScalerService: Service {
    let configPath: String
    let initialConfig: ScalerdConfig
    let journal: any JournalStore
    let status: DaemonStatus
    let metrics: DaemonMetrics
    let timer: any TickSource
    let reloads: ReloadCoordinator
    let factory: RuntimeFactory
    let loader: ConfigLoader
    let logger: Logger
    let clock: @Sendable () -> Date
    let notifier: SystemdNotifier
    /// Validates a reload's file in a child process first.
    var probe = ConfigProbe()
    /// The runtimes of `initialConfig`, when the caller has built them already.
    var initialRuntimes: [EndpointRuntime]?
    /// High availability (`ha:`): only while this instance holds the lease does it push.
    var lease: LeaderLease?

    func run() async throws {
        let runtimes = initialRuntimes ?? factory.runtimes(for: initialConfig)
        var controller = Controller(
            config: initialConfig, runtimes: runtimes, journal: journal, status: status, metrics: metrics, logger: logger, clock: clock
        )
        await controller.restoreStates()
        await controller.recordPolicyVersions()
        let lifecycle = DaemonLifecycle(journal: journal, pid: Int(getpid()), clock: clock, logger: logger, configPath: configPath)
        let startedAt = clock()
        await status.recordStart(at: startedAt, previousRun: await lifecycle.started(initialConfig, version: await status.configVersion))
        metrics.recordStart(at: startedAt, tick: initialConfig.tick)

        let signals = await UnixSignalsSequence(trapping: .sighup)
        let reloads = self.reloads
        let signalWatcher = Task {
            for await _ in signals { await reloads.request() }
        }
        defer { signalWatcher.cancel() }
        // The service group stops on these; watched here too, so that the stop record says which.
        let stopSignals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let stopSignal = Mutex<UnixSignal?>(nil)
        let stopWatcher = Task {
            for await signal in stopSignals {
                stopSignal.withLock { if $0 == nil { $0 = signal } }
            }
        }
        defer { stopWatcher.cancel() }

        timer.schedule(every: initialConfig.tick)
        logger.notice("scalerd running", metadata: [
            "config": "\(configPath)", "endpoints": "\(runtimes.count)", "tick": "\(initialConfig.tick)s",
            "journal": "\(journal.location)", "ha": "\(initialConfig.ha.map { "group \($0.group) on \($0.location), lease \($0.lease)s" } ?? "off")",
        ])
        var watchdog = notifier.watchdogInterval.map(WatchdogPacer.init)
        var lastPrune: Date?
        var lease = self.lease
        await withGracefulShutdownHandler {
            for await wake in timer.wakes.cancelOnGracefulShutdown() {
                if let waiters = await reloads.take() {
                    notifier.reloading()
                    let outcome = await reload(&controller)
                    if outcome.applied {
                        await lifecycle.reloaded(controller.config, version: await status.configVersion)
                        metrics.recordTickInterval(controller.config.tick)
                        metrics.keepEndpoints(Set(controller.config.endpoints.map(\.name)))
                    }
                    metrics.recordReload(applied: outcome.applied, generation: outcome.configGeneration)
                    notifier.ready(status: outcome.applied
                        ? "configuration \(outcome.configGeneration) applied"
                        : "reload refused, running configuration kept: \(outcome.errors.joined(separator: "; "))")
                    reloads.finish(waiters, with: outcome)
                }
                if wake == .tick {
                    var acting = Acting.alone
                    if var current = lease {
                        let conflictBefore = current.conflict
                        let (now, changes) = await current.beforeTick()
                        lease = current
                        if current.conflict != conflictBefore {
                            if let conflict = current.conflict {
                                logger.error("ha: \(conflict)", metadata: ["group": "\(current.group)"])
                            } else {
                                logger.notice("ha: the group's instances agree on ha.shards again", metadata: ["group": "\(current.group)"])
                            }
                        }
                        acting = now
                        await report(changes, of: current, acting: acting, config: controller.config, lifecycle: lifecycle)
                        let acquired = Set(changes.filter(\.change.isAcquired).map(\.shard))
                        if journal.isShared, !acquired.isEmpty {
                            // Windows and learned values as the last leader of each shard taken
                            // left them; the endpoints of shards led all along keep their own.
                            await controller.restoreStates { acquired.contains(current.shards.shard(of: $0)) }
                        }
                    }
                    let summary = await controller.tick(acting: acting)
                    notifier.status(summary.status)
                    if watchdog?.tickCompleted(at: .now) == true { notifier.watchdog() }
                    await applyRetention(controller.config.journal.retention, lastPrune: &lastPrune)
                }
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
        timer.stop()
        let handBack: [HandBackRecord]
        if var current = lease {
            // The group keeps its endpoints: a standby takes over at its next tick, so nothing
            // is handed back to the providers' scalers.
            logger.notice("ha: endpoints are not handed back at a stop; the lease is released for a standby to take over")
            handBack = []
            let changes = await current.release()
            await report(changes, of: current, acting: .standby("stopped"), config: controller.config, lifecycle: lifecycle, claimed: false)
        } else {
            handBack = await controller.handBack()
        }
        let config = controller.config
        let reason = stopSignal.withLock { $0 }.map { "graceful stop on \($0)" } ?? "graceful stop"
        let configVersion = await status.configVersion
        await controller.flush { await lifecycle.stopped(config, version: configVersion, reason: reason, handBack: handBack) }
        logger.notice("scalerd stopped: last tick finished, journal flushed")
    }

    /// Says each leadership change in the log, the journal and the metrics, and keeps the view
    /// `status` shows current.
    private func report(
        _ changes: [ShardChange], of lease: LeaderLease, acting: Acting, config: ScalerdConfig, lifecycle: DaemonLifecycle, claimed: Bool = true
    ) async {
        let reports = changes.map { LeadershipReport(change: $0.change, shards: lease.shards, shard: $0.shard) }
        let version = await status.configVersion
        for report in reports {
            logger.log(level: report.level, "\(report.message)", metadata: ["group": "\(report.group)", "epoch": "\(report.epoch)"])
            await lifecycle.leadership(report, config, version: version)
        }
        let previous = await status.leadership
        let view = DaemonStatus.LeadershipView(
            lease, acting: acting, lastChange: reports.last?.message ?? previous?.lastChange, lastChangeAt: reports.isEmpty ? previous?.lastChangeAt : clock()
        )
        await status.recordLeadership(view)
        metrics.recordLeadership(
            leading: acting.leadsAny, epoch: acting.epochs.max() ?? lease.leases.compactMap(\.epoch).max(), shardsLed: acting.epochs.count,
            changes: reports.map(\.kind.rawValue), claim: claimed ? lease.lastClaim : nil
        )
    }

    /// `journal.retention`: after the first tick and hourly after, the rows that ended longer ago go, and the
    /// prune is recorded like any other.
    private func applyRetention(_ retention: Double?, lastPrune: inout Date?) async {
        let now = clock()
        guard let retention, lastPrune.map({ now.timeIntervalSince($0) >= 3_600 }) ?? true else { return }
        lastPrune = now
        do {
            let result = try await journal.prune(before: now.addingTimeInterval(-retention), reason: "journal.retention \(DurationParser.format(retention))", at: now)
            if result.removedRows > 0 {
                logger.notice("journal pruned by journal.retention", metadata: ["removed_rows": "\(result.removedRows)", "through_id": "\(result.lastRemovedID ?? 0)"])
            }
        } catch {
            logger.error("journal retention failed; will retry in an hour", metadata: ["error": "\(error)"])
        }
    }

    /// Validates the file and applies it whole, or logs why not and keeps the running config.
    private func reload(_ controller: inout Controller) async -> ReloadOutcome {
        let previous = controller.config
        if let crashed = await probe.problem(checking: configPath) {
            controller.logger.error("reload refused, keeping the running configuration: \(crashed)")
            return ReloadOutcome(applied: false, configGeneration: await status.configGeneration, errors: [crashed])
        }
        let problems: [String]
        do {
            let config = try loader.load(file: configPath)
            let runtimes = factory.runtimes(for: config)
            controller.logger.logLevel = Logger.Level(config.log.level)
            if config.journal.store != previous.journal.store {
                controller.logger.warning("journal.path or journal.url changed; it takes effect at the next restart", metadata: ["running": "\(previous.journal.location)"])
            }
            controller.journal.holdWriteInterval = config.journal.holdWriteInterval
            if config.log.format != previous.log.format || config.admin != previous.admin {
                controller.logger.warning("log.format and admin settings take effect at the next restart")
            }
            if config.ha != previous.ha {
                controller.logger.warning("ha settings take effect at the next restart; the running lease is kept")
            }
            await controller.replace(config: config, runtimes: runtimes)
            if config.tick != previous.tick { timer.schedule(every: config.tick) }
            await controller.recordPolicyVersions()
            controller.logger.notice("configuration reloaded", metadata: [
                "endpoints": "\(runtimes.count)",
                "policy_versions": "\(runtimes.map { "\($0.config.name)=\($0.policyVersion)" }.joined(separator: ","))",
            ])
            return ReloadOutcome(applied: true, configGeneration: await status.configGeneration, errors: [])
        } catch {
            problems = error.issues.map(\.description)
        }
        for problem in problems {
            controller.logger.error("reload refused, keeping the running configuration: \(problem)")
        }
        return ReloadOutcome(applied: false, configGeneration: await status.configGeneration, errors: problems)
    }
}

extension Logger.Level {
    init(_ setting: LogLevelSetting) {
        self = Logger.Level(rawValue: setting.rawValue) ?? .info
    }
}

/// ServiceLifecycle names each service by its description: a reflected one of every field (the
/// whole config, every endpoint's runtime) was a 19 MB string at 10,000 endpoints.
extension ScalerService: CustomStringConvertible {
    var description: String { "ScalerService (the control loop)" }
}
