import Foundation
import Logging
import ScalerConfig
@testable import ScalerDaemon
import ScalerJournal
import ScalerProviders
import ScalerTestSupport

/// The controller as the daemon runs it (config from YAML, runtimes from the provider modules,
/// a real journal), in process and on a test clock, so that a test can tick it by hand.
struct ControllerHarness {
    let directory: URL
    let config: ScalerdConfig
    let journal: Journal
    let status: DaemonStatus
    let clock: TestClock
    private(set) var controller: Controller

    /// `yaml` without `journal:`: the journal is a fresh file in a scratch directory, or the one
    /// in `directory` when a test restarts the controller on it.
    init(
        yaml: String, environment: [String: String] = [:], clock: TestClock, directory: URL? = nil, journalledPools: Bool = false,
        logger: Logger = Logger(label: "test"), metrics: DaemonMetrics = DaemonMetrics(), journalBuffer: Int = 10_000,
        deadlines: any Clock<Duration> = ContinuousClock()
    ) async throws {
        let directory = try directory ?? scratchDirectory("harness")
        self.directory = directory
        let text = "journal: { path: journal.sqlite }\n" + yaml
        config = try ConfigLoader(catalog: ProviderModules.catalog, secrets: SecretResolver(environment: environment), workingDirectory: directory.path)
            .parse(text, file: "test.yaml")
        journal = try Journal(path: config.journal.path!)
        status = DaemonStatus(config: config)
        self.clock = clock
        let now: @Sendable () -> Date = { clock.now }
        let ledger = journalledPools ? await JournalPoolLedger.make(journal: journal, now: now(), logger: Logger(label: "test")) : PoolLedger()
        let factory = RuntimeFactory(http: sharedTestClient, metrics: metrics, ledger: ledger, clock: now)
        controller = Controller(
            config: config, runtimes: factory.runtimes(for: config), journal: journal, status: status, metrics: metrics, logger: logger, clock: now,
            monotonicClock: deadlines, journalBuffer: journalBuffer
        )
        await controller.restoreStates()
    }

    @discardableResult
    mutating func tick() async -> TickSummary {
        await controller.tick()
    }

    func rows() throws -> [JournalEntry] {
        try JournalReader(path: config.journal.path!).entries(JournalQuery())
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
