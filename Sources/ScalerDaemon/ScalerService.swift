import Foundation
import Logging
import ScalerConfig
import ScalerJournal
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The long-running controller: ticks from a Dispatch timer, reloads on SIGHUP between ticks
/// (never inside one), and on graceful shutdown finishes the tick in flight and flushes the journal.
struct ScalerService: Service {
    let configPath: String
    let initialConfig: ScalerdConfig
    let journal: Journal
    let status: DaemonStatus
    let factory: RuntimeFactory
    let loader: ConfigLoader
    let logger: Logger
    let clock: @Sendable () -> Date

    func run() async throws {
        let runtimes = try factory.runtimes(for: initialConfig)
        var controller = Controller(config: initialConfig, runtimes: runtimes, journal: journal, status: status, logger: logger, clock: clock)
        await controller.recordPolicyVersions()

        let timer = TickTimer()
        let reloadRequested = Atomic<Bool>(false)
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let signalWatcher = Task {
            for await _ in signals {
                reloadRequested.store(true, ordering: .sequentiallyConsistent)
                // Wake the loop now rather than at the next tick.
                timer.wake()
            }
        }
        defer { signalWatcher.cancel() }

        timer.schedule(every: initialConfig.tick)
        logger.notice("scalerd running", metadata: [
            "config": "\(configPath)", "endpoints": "\(runtimes.count)", "tick": "\(initialConfig.tick)s",
            "journal": "\(journal.path)",
        ])
        for await wake in timer.wakes.cancelOnGracefulShutdown() {
            if reloadRequested.exchange(false, ordering: .sequentiallyConsistent) {
                await reload(&controller, timer: timer)
            }
            if wake == .tick {
                await controller.tick()
            }
        }
        timer.stop()
        await controller.flush()
        logger.notice("scalerd stopped: last tick finished, journal flushed")
    }

    /// Validates the file and applies it whole, or logs why not and keeps the running config.
    private func reload(_ controller: inout Controller, timer: TickTimer) async {
        let previous = controller.config
        do {
            let config = try loader.load(file: configPath)
            let runtimes = try factory.runtimes(for: config)
            controller.logger.logLevel = Logger.Level(config.log.level)
            if config.journal.path != previous.journal.path {
                controller.logger.warning("journal.path changed; it takes effect at the next restart", metadata: ["running": "\(previous.journal.path)"])
            }
            if config.log.format != previous.log.format {
                controller.logger.warning("log.format changed; it takes effect at the next restart")
            }
            await controller.replace(config: config, runtimes: runtimes)
            if config.admin != previous.admin {
                controller.logger.warning("admin settings changed; they take effect at the next restart")
            }
            if config.tick != previous.tick { timer.schedule(every: config.tick) }
            await controller.recordPolicyVersions()
            controller.logger.notice("configuration reloaded", metadata: [
                "endpoints": "\(runtimes.count)",
                "policy_versions": "\(runtimes.map { "\($0.config.name)=\($0.policyVersion)" }.joined(separator: ","))",
            ])
        } catch let error as ConfigError {
            for issue in error.issues {
                controller.logger.error("reload refused, keeping the running configuration: \(issue)")
            }
        } catch {
            controller.logger.error("reload refused, keeping the running configuration: \(error)")
        }
    }
}

extension Logger.Level {
    init(_ setting: LogLevelSetting) {
        self = Logger.Level(rawValue: setting.rawValue) ?? .info
    }
}
