import Foundation
import Logging
import ScalerConfig
import ScalerCore
import ScalerPorts
@testable import ScalerDaemon
import ScalerJournal
import ScalerProviders
import ScalerTestSupport
import Testing

private func config(in directory: URL, tick: String, endpoints: [String]) throws -> ScalerdConfig {
    let endpointYAML = endpoints.map { name in
        """
          - name: \(name)
            provider: demo
            id: \(name)-id
            policy: { type: concurrency, value: 1, max_replicas: 8, scale_down: { stabilization: 0s } }
        """
    }.joined(separator: "\n")
    let yaml = """
        tick: \(tick)
        journal: { path: journal.sqlite }
        providers:
          - { name: demo, kind: simulated }
        endpoints:
        \(endpointYAML)
        """
    return try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: directory.path).parse(yaml, file: "test.yaml")
}

@Suite struct ControllerTick {
    @Test func aSlowEndpointIsCutOffAndTheOthersAreStillDecided() async throws {
        let directory = try scratchDirectory("controller")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The slow endpoint would take a minute without the cut-off at 45% of the tick per stage;
        // all of it happens on a clock the test moves, so no stopwatch is needed.
        let config = try config(in: directory, tick: "4s", endpoints: ["fast", "slow"])
        let journal = try Journal(path: config.journal.path!)
        let clock = ManualClock()
        let runtimes = [
            EndpointRuntime(config: config.endpoints[0], provider: ScriptedProvider(replicas: 1), limits: .anything, metrics: FixedMetrics(inFlight: 3)),
            EndpointRuntime(
                config: config.endpoints[1], provider: ScriptedProvider(replicas: 2, readDelay: .seconds(60), clock: clock), limits: .anything,
                metrics: FixedMetrics(inFlight: 5, delay: .seconds(60), clock: clock)
            ),
        ]
        let controller = Controller(config: config, runtimes: runtimes, journal: journal, logger: Logger(label: "test"), clock: { Date() }, monotonicClock: clock)
        let tick = Task {
            var ticking = controller
            await ticking.tick()
        }
        // The slow endpoint's two reads wait, beside the one timer of the tick's read phase.
        await clock.waitForSleepers(3)
        clock.advance(by: .milliseconds(1_799))
        #expect(clock.sleeping == 3, "nothing is cut off before 45% of the tick: the phase's deadline still waits")
        clock.advance(by: .milliseconds(1))
        await tick.value

        let rows = try JournalReader(path: config.journal.path!).entries(JournalQuery())
        let fast = try #require(rows.first { $0.endpoint == "fast" })
        #expect(fast.action == .scaleUp)
        #expect(fast.desired == 3)
        #expect(fast.outcome == .ok)
        let slow = try #require(rows.first { $0.endpoint == "slow" })
        #expect(slow.metricStatus == .missing)
        #expect(slow.metricError?.contains("no answer within") == true)
        #expect(slow.outcome == .skipped)
        #expect(slow.errorKind == .timeout)
        #expect(slow.action == .hold)
    }

    /// One tick, one endpoint at a time, with the clock moved past a 4 s tick's 1.8 s phase
    /// deadline once `sleepers` wait on it.
    private func tickOneAtATimePastTheDeadline(
        config: ScalerdConfig, runtimes: [EndpointRuntime], journal: Journal, clock: ManualClock, sleepers: Int
    ) async {
        let controller = Controller(
            config: config, runtimes: runtimes, journal: journal, logger: Logger(label: "test"), clock: { Date() }, monotonicClock: clock,
            maxConcurrentEndpoints: 1
        )
        let tick = Task {
            var ticking = controller
            await ticking.tick()
        }
        await clock.waitForSleepers(sleepers)
        clock.advance(by: .milliseconds(1_800))
        await tick.value
    }

    @Test func anEndpointTheReadPhaseNeverReachedHoldsAndSaysWhy() async throws {
        let directory = try scratchDirectory("controller")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try config(in: directory, tick: "4s", endpoints: ["slow", "waiting"])
        let journal = try Journal(path: config.journal.path!)
        let clock = ManualClock()
        let runtimes = [
            EndpointRuntime(
                config: config.endpoints[0], provider: ScriptedProvider(replicas: 2, readDelay: .seconds(60), clock: clock), limits: .anything,
                metrics: FixedMetrics(inFlight: 5, delay: .seconds(60), clock: clock)
            ),
            EndpointRuntime(config: config.endpoints[1], provider: ScriptedProvider(replicas: 1), limits: .anything, metrics: FixedMetrics(inFlight: 3)),
        ]
        // One endpoint at a time: the slow one holds the only place until the deadline.
        await tickOneAtATimePastTheDeadline(config: config, runtimes: runtimes, journal: journal, clock: clock, sleepers: 3)
        let rows = try JournalReader(path: config.journal.path!).entries(JournalQuery())
        let waiting = try #require(rows.first { $0.endpoint == "waiting" })
        #expect(waiting.action == .hold)
        #expect(waiting.metricErrorKind == .timeout)
        #expect(waiting.metricError == "not read: the tick's 1.8s for reads ran out first")
        #expect(waiting.outcome == .skipped && !waiting.pushed)
    }

    @Test func aPushThePushPhaseNeverReachedIsJournalledAsSkippedAndSaysWhy() async throws {
        let directory = try scratchDirectory("controller")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try config(in: directory, tick: "4s", endpoints: ["hanging", "waiting"])
        let journal = try Journal(path: config.journal.path!)
        let clock = ManualClock()
        let runtimes = config.endpoints.map { endpoint in
            EndpointRuntime(
                config: endpoint, provider: ScriptedProvider(replicas: 1, clock: clock, applyDelay: .seconds(60)), limits: .anything,
                metrics: FixedMetrics(inFlight: 5)
            )
        }
        // One push at a time: the hanging one holds the only place until the deadline.
        await tickOneAtATimePastTheDeadline(config: config, runtimes: runtimes, journal: journal, clock: clock, sleepers: 2)
        let rows = try JournalReader(path: config.journal.path!).entries(JournalQuery())
        let hanging = try #require(rows.first { $0.endpoint == "hanging" })
        #expect(hanging.action == .scaleUp)
        #expect(hanging.outcome == .error && hanging.pushed && hanging.errorKind == .timeout)
        let waiting = try #require(rows.first { $0.endpoint == "waiting" })
        #expect(waiting.action == .scaleUp)
        #expect(waiting.outcome == .skipped && !waiting.pushed && waiting.errorKind == .timeout)
        #expect(waiting.errorMessage == "not pushed: the tick's 1.8s for pushes ran out first")
    }

    @Test func aBindingBudgetIsPushedAsTheProvidersMaximumToo() async throws {
        // The provider's own scaler runs between min and max: a cap only on min would not hold.
        let live = ManagedSettings(minReplicas: 1, maxReplicas: 8, idleTimeout: 300, scaler: .requestCount(1))
        let row = try await journalledRow(provider: ScriptedProvider(replicas: 1, settings: live), inFlight: 6) { policy in
            policy.budget = SpendBudget(pricePerWorkerHour: 2, maxSpendPerHour: 8)
        }
        #expect(row.desired == 4)
        #expect(row.drift.contains(SettingDrift(field: "max_replicas", live: "8", wanted: "4")))
        #expect(row.outcome == .ok)
    }

    /// One tick of one endpoint against the given provider and metrics; the row it journalled.
    private func journalledRow(
        provider: ScriptedProvider, inFlight: Int, mode: EndpointMode = .enforce, policy edit: (inout ScalingPolicy) -> Void = { _ in }
    ) async throws -> JournalEntry {
        let directory = try scratchDirectory("controller")
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = try config(in: directory, tick: "1s", endpoints: ["only"])
        config.endpoints[0].mode = mode
        edit(&config.endpoints[0].policy)
        let runtime = EndpointRuntime(config: config.endpoints[0], provider: provider, limits: .anything, metrics: FixedMetrics(inFlight: inFlight))
        var controller = Controller(config: config, runtimes: [runtime], journal: try Journal(path: config.journal.path!),
                                    logger: Logger(label: "test"), clock: { Date() })
        await controller.tick()
        return try #require(try JournalReader(path: config.journal.path!).entries(JournalQuery()).first)
    }

    @Test func aRefusedPushIsJournalledWithItsKind() async throws {
        let row = try await journalledRow(provider: ScriptedProvider(replicas: 1, applyError: .init(.rateLimited, "429: retry after 3s")), inFlight: 4)
        #expect(row.pushed)
        #expect(row.outcome == .error)
        #expect(row.errorKind == .rateLimited)
        #expect(row.errorMessage == "429: retry after 3s")
        #expect(row.desired == 4)
    }

    @Test func dryRunDecidesAndJournalsButNeverPushes() async throws {
        let refusing = ScriptedProvider(replicas: 1, applyError: .init(.unavailable, "must not be called"))
        let row = try await journalledRow(provider: refusing, inFlight: 4, mode: .dryRun)
        #expect(row.outcome == .dryRun)
        #expect(!row.pushed)
        #expect(row.desired == 4)
    }

    @Test func anUnchangedValueIsNotPushedAgain() async throws {
        let refusing = ScriptedProvider(replicas: 2, applyError: .init(.unavailable, "must not be called"))
        let row = try await journalledRow(provider: refusing, inFlight: 2)
        #expect(row.outcome == .unchanged)
        #expect(row.action == .hold)
    }

    @Test func driftIsCorrectedAndJournalledFieldByField() async throws {
        // Replicas already right; someone lowered max workers to 2 in the console.
        let live = ManagedSettings(minReplicas: 2, maxReplicas: 2, idleTimeout: 300, scaler: .requestCount(1))
        let row = try await journalledRow(provider: ScriptedProvider(replicas: 2, settings: live), inFlight: 2)
        #expect(row.action == .hold)
        #expect(row.outcome == .ok)
        #expect(row.pushed)
        #expect(row.drift == [SettingDrift(field: "max_replicas", live: "2", wanted: "8")])
    }

    @Test func dryRunReportsDriftWithoutCorrectingIt() async throws {
        let live = ManagedSettings(minReplicas: 2, maxReplicas: 8, idleTimeout: 60, scaler: .requestCount(1))
        let refusing = ScriptedProvider(replicas: 2, applyError: .init(.unavailable, "must not be called"), settings: live)
        let row = try await journalledRow(provider: refusing, inFlight: 2, mode: .dryRun)
        #expect(row.outcome == .dryRun)
        #expect(!row.pushed)
        #expect(row.drift == [SettingDrift(field: "idle_timeout", live: "60", wanted: "300")])
    }
}

@Suite struct ControllerBookkeeping {
    @Test func eachEndpointKeepsItsOwnLearnedValuesWhateverTheOrderOfTheConfig() async throws {
        var harness = try await ControllerHarness(yaml: """
            tick: 1s
            providers: [{ name: demo, kind: simulated }]
            endpoints:
              - { name: zeta, provider: demo, id: z, policy: { type: concurrency, value: 1, max_replicas: 8, idle_timeout: 300s } }
              - { name: alpha, provider: demo, id: a, policy: { type: concurrency, value: 1, max_replicas: 8, idle_timeout: 60s } }
            """, clock: TestClock(start: Date(timeIntervalSince1970: 1_800_000_000)))
        defer { harness.remove() }
        await harness.tick()
        let learned = Dictionary(uniqueKeysWithValues: await harness.status.views().map { ($0.name, $0.learned?.idleTimeout) })
        #expect(learned["alpha"] == 60)
        #expect(learned["zeta"] == 300)
    }

    @Test func theProvidersIdleTimeoutIsPushedApartFromScalerdsOwn() async throws {
        let live = ManagedSettings(minReplicas: 2, maxReplicas: 8, idleTimeout: 300, scaler: .requestCount(1))
        let directory = try scratchDirectory("controller")
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: directory.path).parse("""
            tick: 1s
            journal: { path: journal.sqlite }
            providers: [{ name: demo, kind: simulated }]
            endpoints:
              - { name: only, provider: demo, id: o, policy: { type: concurrency, value: 1, max_replicas: 8, idle_timeout: 300s, provider_idle_timeout: 5s } }
            """, file: "test.yaml")
        config.endpoints[0].mode = .dryRun
        let runtime = EndpointRuntime(config: config.endpoints[0], provider: ScriptedProvider(replicas: 2, settings: live), limits: .anything, metrics: FixedMetrics(inFlight: 2))
        var controller = Controller(config: config, runtimes: [runtime], journal: try Journal(path: config.journal.path!), logger: Logger(label: "test"), clock: { Date() })
        await controller.tick()
        let row = try #require(try JournalReader(path: config.journal.path!).entries(JournalQuery()).first)
        #expect(row.drift == [SettingDrift(field: "idle_timeout", live: "300", wanted: "5")])
    }
}

@Suite struct StateSaving {
    private func saves(acted: Bool = false, at seconds: Double, lastSaved: Date?, actionInterval: TimeInterval = 10) -> Bool {
        Controller.savesState(actedSinceSaved: acted, at: Date(timeIntervalSince1970: seconds), lastSaved: lastSaved, maxAge: 30, actionInterval: actionInterval)
    }

    @Test func aHoldSavesItsStateOnlyOnceHalfTheMaxAgeHasPassed() {
        let saved = Date(timeIntervalSince1970: 1_000)
        #expect(saves(at: 1_000, lastSaved: nil), "never saved yet")
        #expect(!saves(at: 1_014, lastSaved: saved))
        #expect(saves(at: 1_015, lastSaved: saved),
                "a crash now still leaves a state young enough to carry on whole")
    }

    @Test func anEndpointThatActedIsSavedWithinTheWriteIntervalNotAtEveryAction() {
        let saved = Date(timeIntervalSince1970: 1_000)
        #expect(!saves(acted: true, at: 1_009, lastSaved: saved), "a busy endpoint acting every tick is not re-encoded every tick")
        #expect(saves(acted: true, at: 1_010, lastSaved: saved), "nor left behind its journal rows for longer than the interval")
        #expect(saves(acted: true, at: 1_001, lastSaved: saved, actionInterval: 0), "an interval of 0 saves at every action")
        #expect(saves(acted: true, at: 1_015, lastSaved: saved, actionInterval: 60), "never later than a hold would be")
    }

    @Test func aStopSavesTheStateOfAnEndpointThatActedSinceItsLastSave() async throws {
        let directory = try scratchDirectory("state-saving")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: directory.path).parse("""
            tick: 1s
            journal: { path: journal.sqlite, hold_write_interval: 1m }
            providers: [{ name: demo, kind: simulated }]
            endpoints:
              - { name: only, provider: demo, id: o, policy: { type: concurrency, value: 1, max_replicas: 8 } }
            """, file: "test.yaml")
        let runtime = EndpointRuntime(config: config.endpoints[0], provider: ScriptedProvider(replicas: 1), limits: .anything, metrics: FixedMetrics(inFlight: 4))
        let journal = try Journal(path: config.journal.path!, holdWriteInterval: config.journal.holdWriteInterval)
        var controller = Controller(config: config, runtimes: [runtime], journal: journal, logger: Logger(label: "test"), clock: { Date() })
        await controller.tick()
        #expect(try JournalReader(path: config.journal.path!).entries(JournalQuery()).first?.action == .scaleUp)
        #expect(try journal.endpointStates().isEmpty, "an action saves its state within the interval, not at once")
        await controller.flush()
        #expect(try journal.endpointStates().map(\.endpoint) == ["only"], "a stop saves every state this run decided")
    }

    @Test func endpointsNotSavedYetAreSpreadOverHalfTheMaxAge() {
        let now = Date(timeIntervalSince1970: 1_000)
        let starts = (0..<1_000).map { Controller.staggeredStart(of: "ep\($0)", at: now, maxAge: 30) }
        #expect(starts.allSatisfy { $0 <= now && $0 > now.addingTimeInterval(-15) })
        let savedAtOnce = starts.filter { saves(at: 1_000, lastSaved: $0) }.count
        #expect(savedAtOnce < 20, "a hold saves when its staggered half max_age has passed: few of a thousand at the first tick")
        #expect(Controller.staggeredStart(of: "chat", at: now, maxAge: 30) == Controller.staggeredStart(of: "chat", at: now, maxAge: 30))
    }
}
