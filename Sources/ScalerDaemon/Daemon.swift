import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ScalerConfig
import ScalerHTTP
import ScalerJournal
import ScalerMetrics
import ScalerProviders
import ServiceLifecycle

/// `scalerd run`: loads the config, opens the journal and runs the controller until SIGTERM.
public enum Daemon {
    public static func run(configPath: String, loader: ConfigLoader = ConfigLoader(catalog: ProviderModules.catalog)) async throws {
        // SIGHUP's default action ends the process: until the reload watcher is up, a reload sent
        // early (systemd's ExecReload during start-up) is dropped rather than fatal.
        signal(SIGHUP, SIG_IGN)
        MallocTuning.apply()
        let config = try loader.load(file: configPath)
        LogSetup.bootstrap(format: config.log.format)
        var logger = Logger(label: "scalerd")
        logger.logLevel = Logger.Level(config.log.level)

        let clock: @Sendable () -> Date = { Date() }
        let journal = try await JournalOpening.store(config.journal, logger: logger)
        let paused = try await journal.pausedEndpoints()
        let lease = try config.ha.map { try LeaderLease.make($0, tick: config.tick, logger: logger) }
        // Nothing may throw between creating the HTTP client and the `do` that shuts it down:
        // a client dropped without shutdown stops the process.
        let http = ProviderTransport.makeSharedClient()
        let pushed = PushedSamples()
        let metrics = DaemonMetrics()
        let ledger = await JournalPoolLedger.make(journal: journal, now: clock(), logger: logger)
        let factory = RuntimeFactory(http: http, pushed: pushed, metrics: metrics, ledger: ledger, clock: clock)
        // Built once here: each runtime fingerprints its endpoint's policy, which the status reuses.
        let runtimes = factory.runtimes(for: config)
        let status = DaemonStatus(config: config, paused: paused, policyVersions: runtimes.policyVersions)
        let timer = TickTimer()
        let reloads = ReloadCoordinator(wake: { timer.wake() })
        let notifier = SystemdNotifier()
        let service = ScalerService(
            configPath: configPath, initialConfig: config, journal: journal, status: status, metrics: metrics, timer: timer, reloads: reloads,
            factory: factory, loader: loader, logger: logger, clock: clock, notifier: notifier, initialRuntimes: runtimes, lease: lease
        )
        let api = AdminAPI(status: status, metrics: metrics, reloads: reloads, pushed: pushed, journal: journal, token: config.admin.token, listen: config.admin.listen, clock: clock)
        let endpointCount = config.endpoints.count
        let admin = AdminServer(settings: config.admin, api: api, logger: logger) {
            notifier.ready(status: "running: \(endpointCount) endpoint(s), journal \(journal.location), admin API \(config.admin.listen)")
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service), .init(service: admin)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }
}
