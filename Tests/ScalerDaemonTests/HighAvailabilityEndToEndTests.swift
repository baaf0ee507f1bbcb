import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import ScalerHA
import ScalerJournalPostgres
import ScalerJournal
import ScalerTestSupport
import Synchronization
import Testing

/// Two daemons, one PostgreSQL lease and one provider (RunPod's REST fake, reached by each daemon
/// on a port of its own so that its request log says who pushed): only the leader pushes, a
/// standby takes over when the leader dies or freezes, and a frozen leader that wakes pushes
/// nothing more.
extension ChildProcesses {
    @Suite struct HighAvailabilityEndToEnd {
        static let tick = 0.5
        static let lease = 2.0

        /// A pair sharing `postgres`, each daemon reaching the one provider at its own URL. Used
        /// by one test's task alone.
        final class Pair: @unchecked Sendable {
            let directory: URL
            let postgres: ThrowawayPostgres
            let state: FakeProviderState
            let urls: [String]
            /// Both journal to PostgreSQL (the lease in the same database), not each to a file.
            let sharedJournal: Bool
            /// The endpoints, each the provider's endpoint of the same id.
            let endpoints: [String]
            /// `ha.shards`, when the pair shards.
            let shards: Int?
            var daemons: [DaemonProcess?] = [nil, nil]

            init(directory: URL, postgres: ThrowawayPostgres, state: FakeProviderState, urls: [String], sharedJournal: Bool, endpoints: [String], shards: Int?) {
                self.directory = directory
                self.postgres = postgres
                self.state = state
                self.urls = urls
                self.sharedJournal = sharedJournal
                self.endpoints = endpoints
                self.shards = shards
            }

            var databaseURL: String { "postgres://\(postgres.username)@127.0.0.1:\(postgres.port)/\(postgres.database)?sslmode=disable" }

            var environment: [String: String] { ["KEY": FakeRunPodREST.apiKey, "PG_PASSWORD": postgres.password] }

            func configPath(_ index: Int) -> String { directory.appendingPathComponent("scalerd-\(index).yaml").path }
            func journalPath(_ index: Int) -> String { directory.appendingPathComponent("journal-\(index).sqlite").path }

            func writeConfigs() throws {
                let sharding = shards.map { ", shards: \($0)" } ?? ""
                for index in 0..<2 {
                    try """
                        tick: \(Int(tick * 1000))ms
                        \(sharedJournal
                            ? "journal: { url: \"\(databaseURL)\", password: env:PG_PASSWORD, hold_write_interval: 0s }\nha: { lease: \(Int(lease))s\(sharding) }"
                            : "journal: { path: \(journalPath(index)) }\nha: { url: \"\(databaseURL)\", password: env:PG_PASSWORD, lease: \(Int(lease))s\(sharding) }")
                        admin: { listen: "127.0.0.1:0" }
                        providers:
                          - { name: rp, kind: runpod, base_url: "\(urls[index])", health_base_url: "\(urls[index])", api_key: env:KEY, rate_limit: 50 }
                        endpoints:
                        \(endpoints.map { "  - { name: \($0), provider: rp, id: \($0), policy: { type: queue, value: 2.5, min_replicas: 1, max_replicas: 6, control: exact } }" }.joined(separator: "\n"))
                        """.write(toFile: configPath(index), atomically: true, encoding: .utf8)
                }
            }

            func start(_ index: Int) throws {
                daemons[index] = try DaemonProcess(arguments: ["run", "--config", configPath(index)], directory: directory, environment: environment)
            }

            /// The pushes the provider received, oldest first, each with the daemon that sent it
            /// and the endpoint it changed.
            func pushes() async -> [(at: Date, daemon: Int, endpoint: String)] {
                await state.writes().compactMap { request in
                    guard let host = request.authority, let index = urls.firstIndex(where: { $0.hasSuffix(host) }),
                          let endpoint = request.path.split(separator: "/").last.map(String.init) else { return nil }
                    return (request.receivedAt, index, endpoint)
                }
            }

            /// What an operator's console edit does: each endpoint's floor moved off what scalerd
            /// wants, which only its leader corrects.
            func drift() async {
                for id in endpoints {
                    guard var endpoint = await state.endpoint(id) else { continue }
                    endpoint["workers"]?["min"] = 0
                    await state.setEndpoint(id, endpoint)
                }
            }

            /// Drifts the endpoint until a push from `daemon` after `since` arrives, or `seconds` pass.
            func firstPush(by daemon: Int, after since: Date, within seconds: Double) async -> Date? {
                var found: Date?
                _ = await DaemonProcess.eventually(within: seconds) {
                    found = await pushes().first { $0.daemon == daemon && $0.at > since }?.at
                    if found == nil { await drift() }
                    return found != nil
                }
                return found
            }

            /// The admin API's `/v1/daemon` of daemon `index`, at the address it logged.
            func daemonView(_ index: Int) async throws -> [String: Any]? {
                guard let stderr = daemons[index]?.stderr, let line = stderr.split(separator: "\n").first(where: { $0.contains("admin API listening") }),
                      let port = line.firstMatch(of: /127\.0\.0\.1:(\d+)/)?.1 else { return nil }
                let response = try await sharedTestClient.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/daemon"), timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 1 << 20)
                return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            }

            func events(_ index: Int) throws -> [DaemonEvent] {
                try JournalReader(path: journalPath(index)).daemonEvents()
            }

            func stopAll() {
                for daemon in daemons.compactMap({ $0 }) where daemon.process.isRunning {
                    daemon.signal(SIGKILL)
                    daemon.process.waitUntilExit()
                }
            }
        }

        private func withPair(
            sharedJournal: Bool = false, endpoints: [String] = ["ep1"], shards: Int? = nil, _ body: @escaping @Sendable (Pair) async throws -> Void
        ) async throws {
            let directory = try scratchDirectory("ha")
            defer { try? FileManager.default.removeItem(at: directory) }
            let postgres = try await ThrowawayPostgres.started()
            let state = FakeProviderState(endpoints: Dictionary(uniqueKeysWithValues: endpoints.map { ($0, FakeRunPodREST.endpoint(id: $0, min: 1, max: 6, idle: 5)) }))
            for id in endpoints {
                await state.setHealth(id, ["jobs": ["completed": 0, "failed": 0, "inProgress": 1, "inQueue": 2, "retried": 0], "workers": ["idle": 0, "running": 1]])
            }
            try await withFakeServer(FakeRunPodREST.router(state)) { first in
                try await withFakeServer(FakeRunPodREST.router(state)) { second in
                    let pair = Pair(directory: directory, postgres: postgres, state: state, urls: [first, second], sharedJournal: sharedJournal,
                                    endpoints: endpoints, shards: shards)
                    try pair.writeConfigs()
                    defer { pair.stopAll() }
                    try await body(pair)
                }
            }
        }

        @Test func killedTenTimesTheLeaderIsReplacedWithinTheLeasePlusTwoTicksAndTheTwoNeverPushTogether() async throws {
            try await withPair { pair in
                try pair.start(0)
                let firstLeader = await pair.firstPush(by: 0, after: .distantPast, within: 20)
                #expect(firstLeader != nil, "the only daemon leads: \(pair.daemons[0]?.stderr ?? "")")
                try pair.start(1)
                var leader = 0
                var kills: [(at: Date, daemon: Int)] = []
                for round in 0..<10 {
                    // The standby has claimed once at least, so it is ready to take over.
                    _ = await DaemonProcess.eventually(within: 10) { (try? pair.events(1 - leader))?.contains { $0.event == .leadership } == true }
                    // Drift that both see: only the leader may correct it.
                    for _ in 0..<3 {
                        let leading = await pair.firstPush(by: leader, after: Date(), within: 10)
                        #expect(leading != nil, "round \(round): the leader does not push")
                    }
                    let killed = Date()
                    pair.daemons[leader]?.signal(SIGKILL)
                    pair.daemons[leader]?.process.waitUntilExit()
                    kills.append((killed, leader))
                    let standby = 1 - leader
                    let tookOver = await pair.firstPush(by: standby, after: killed, within: 20)
                    let took = try #require(tookOver, "round \(round): \(standby) never pushed: \(pair.daemons[standby]?.stderr.suffix(2_000) ?? "")")
                    #expect(took.timeIntervalSince(killed) <= Self.lease + 2 * Self.tick + 0.5,
                            "round \(round): the standby pushed \(took.timeIntervalSince(killed))s after the kill")
                    try pair.start(leader)
                    leader = standby
                }
                // Between two pushes by different daemons, the earlier one's daemon was killed.
                let pushes = await pair.pushes()
                for (earlier, later) in zip(pushes, pushes.dropFirst()) where earlier.daemon != later.daemon {
                    #expect(kills.contains { $0.daemon == earlier.daemon && $0.at >= earlier.at && $0.at <= later.at },
                            "daemon \(later.daemon) pushed at \(later.at) while daemon \(earlier.daemon), which pushed at \(earlier.at), was not killed")
                }
            }
        }

        @Test func aLeaderFrozenPastItsLeasePushesNothingOnWakingAndStandsBy() async throws {
            try await withPair { pair in
                try pair.start(0)
                #expect(await pair.firstPush(by: 0, after: .distantPast, within: 20) != nil, "\(pair.daemons[0]?.stderr ?? "")")
                try pair.start(1)
                _ = await DaemonProcess.eventually(within: 10) { (try? pair.events(1))?.contains { $0.event == .leadership } == true }
                pair.daemons[0]?.signal(SIGSTOP)
                let frozen = Date()
                let tookOver = await pair.firstPush(by: 1, after: frozen, within: 20)
                let took = try #require(tookOver, "the standby never took over: \(pair.daemons[1]?.stderr.suffix(2_000) ?? "")")
                pair.daemons[0]?.signal(SIGCONT)
                // The woken leader's ticks, with drift to correct at every one.
                let woke = Date()
                _ = await DaemonProcess.eventually(within: Self.lease * 2) {
                    await pair.drift()
                    return false
                }
                let stale = await pair.pushes().filter { $0.daemon == 0 && $0.at > took }
                #expect(stale.isEmpty, "the woken leader pushed after the standby took over, at \(stale.map(\.at))")
                #expect(await pair.pushes().contains { $0.daemon == 1 && $0.at > woke }, "the new leader keeps pushing")
                let changes = try pair.events(0).filter { $0.event == .leadership }.map(\.detail)
                #expect(changes.contains { $0.contains(#""change":"fenced""#) }, "it says it stopped acting: \(changes)")
                #expect(changes.contains { $0.contains(#""change":"lost""#) && $0.contains(#""leader_epoch":2"#) }, "and who leads now: \(changes)")
                #expect(pair.daemons[0]?.stderr.contains("lost the lease of scalerd (epoch 1)") == true)
            }
        }

        @Test func aPostgreSQLRestartStopsAllPushingWhileItIsDownAndOneLeaderRecovers() async throws {
            try await withPair { pair in
                try pair.start(0)
                #expect(await pair.firstPush(by: 0, after: .distantPast, within: 20) != nil, "\(pair.daemons[0]?.stderr ?? "")")
                try pair.start(1)
                _ = await DaemonProcess.eventually(within: 10) { (try? pair.events(1))?.contains { $0.event == .leadership } == true }
                pair.postgres.stop()
                let down = Date()
                // Past the acting time nobody may push: drift the whole time the server is down.
                let quiet = down.addingTimeInterval(Self.lease * 2 / 3 + Self.tick)
                _ = await DaemonProcess.eventually(within: Self.lease * 2) {
                    await pair.drift()
                    return false
                }
                let pushedWhileDown = await pair.pushes().filter { $0.at > quiet }
                #expect(pushedWhileDown.isEmpty, "pushes with the lease store down: \(pushedWhileDown.map(\.at))")
                try pair.postgres.start()
                let up = Date()
                let recovered = await DaemonProcess.eventually(within: Self.lease * 3) {
                    await pair.drift()
                    return await pair.pushes().contains { $0.at > up }
                }
                #expect(recovered, "nobody leads after the restart: \(pair.daemons[0]?.stderr.suffix(1_500) ?? "")")
                _ = await DaemonProcess.eventually(within: Self.lease) {
                    await pair.drift()
                    return false
                }
                let after = await pair.pushes().filter { $0.at > up }
                #expect(Set(after.map(\.daemon)).count == 1, "one leader after the restart, not both: \(after)")
                let fenced = try pair.events(0).filter { $0.event == .leadership && $0.detail.contains(#""change":"fenced""#) }
                #expect(!fenced.isEmpty, "the leader said it stopped acting while the store was down")
                // Each daemon kept journalling its evaluations while the store was down.
                for index in 0..<2 {
                    let rows = try JournalReader(path: pair.journalPath(index)).entries(JournalQuery())
                    #expect(rows.contains { $0.lastAt > quiet && $0.lastAt < up }, "daemon \(index) journalled nothing while PostgreSQL was down")
                }
            }
        }

        /// One record for the pair: the leader's decisions with its epoch, both instances'
        /// events, one chain; the new leader carries on the state the dead one saved.
        @Test func aPairSharingAPostgreSQLJournalKeepsOneRecordThatVerifies() async throws {
            try await withPair(sharedJournal: true) { pair in
                let target = PostgresTarget(host: "127.0.0.1", port: pair.postgres.port, username: pair.postgres.username,
                                            password: pair.postgres.password, database: pair.postgres.database, tls: .disable)
                func shared<T>(_ body: (PostgresJournal) async throws -> T) async throws -> T {
                    try await PostgresJournal.reading(target, logger: Logger(label: "test")).closing(body)
                }
                try pair.start(0)
                #expect(await pair.firstPush(by: 0, after: .distantPast, within: 20) != nil, "\(pair.daemons[0]?.stderr ?? "")")
                try pair.start(1)
                let standingBy = await DaemonProcess.eventually(within: 10) {
                    (try? await shared { try await $0.daemonEvents() })?.contains { $0.detail.contains(#""change":"standing_by""#) } == true
                }
                #expect(standingBy, "\(pair.daemons[1]?.stderr.suffix(1_500) ?? "")")
                let standbyStarted = Date()
                try await Task.sleep(for: .seconds(Self.tick * 4))
                pair.daemons[0]?.signal(SIGKILL)
                pair.daemons[0]?.process.waitUntilExit()
                let killed = Date()
                let tookOver = await pair.firstPush(by: 1, after: killed, within: 20)
                let took = try #require(tookOver, "\(pair.daemons[1]?.stderr.suffix(2_000) ?? "")")
                #expect(took.timeIntervalSince(killed) <= Self.lease + 2 * Self.tick + 0.5)
                #expect(pair.daemons[1]?.stderr.contains("state restored") == true, "the new leader carries on the saved state")
                try pair.start(0)
                _ = await DaemonProcess.eventually(within: 10) {
                    (try? await shared { try await $0.daemonEvents() })?.contains { $0.event == .uncleanEnd } == true
                }
                try await shared { journal in
                    let verified = try await journal.verify()
                    #expect(verified.problem == nil, "\(String(describing: verified.problem))")
                    let rows = try await journal.entries(JournalQuery())
                    #expect(!rows.isEmpty && rows.allSatisfy { $0.epoch != nil && $0.outcome != .standby }, "the leaders' decisions alone")
                    #expect(Set(rows.compactMap(\.epoch)) == [1, 2], "\(Set(rows.compactMap(\.epoch)))")
                    let events = try await journal.daemonEvents()
                    #expect(Set(events.compactMap(\.instance)).count == 2 && events.allSatisfy { $0.instance != nil })
                    let unclean = try #require(events.first { $0.event == .uncleanEnd })
                    #expect(unclean.instance == events.first?.instance, "the restarted instance records its own end")
                    let controlled = try await journal.controlledTime(now: Date())
                    // Up to the leader's last recorded evaluation, a tick or so before the kill.
                    #expect(controlled.gap(between: standbyStarted, and: killed.addingTimeInterval(-2 * Self.tick)) == nil,
                            "one led while the other stood by: \(controlled.gaps)")
                    let handOver = try #require(controlled.gap(at: killed), "nobody decided from the kill to the take-over")
                    #expect(handOver.cause == .endedWithoutStop && (handOver.until ?? .distantFuture) <= took)
                }
            }
        }

        /// Four shards, one endpoint in each (`ep1` to `ep4` hash to shards 3, 2, 1 and 0): the
        /// first daemon takes all four, lets two go when the second joins, and the survivor
        /// takes the dead one's back within the lease plus two ticks. Each endpoint is pushed by
        /// the first daemon, then by the second, never back and forth. With a shared journal, the
        /// record of each endpoint is its shard's leaders', one term after another, and verifies.
        @Test(arguments: [false, true])
        func withFourShardsThePairSharesTheEndpointsAndTheSurvivorTakesADeadOnesShards(sharedJournal: Bool) async throws {
            let endpoints = ["ep1", "ep2", "ep3", "ep4"]
            try await withPair(sharedJournal: sharedJournal, endpoints: endpoints, shards: 4) { pair in
                func pushed(by daemon: Int, after since: Date) async -> Set<String> {
                    Set(await pair.pushes().filter { $0.daemon == daemon && $0.at > since }.map(\.endpoint))
                }
                try pair.start(0)
                let alone = await DaemonProcess.eventually(within: 20) {
                    await pair.drift()
                    return await pushed(by: 0, after: .distantPast) == Set(endpoints)
                }
                #expect(alone, "the only daemon leads every shard: \(pair.daemons[0]?.stderr.suffix(2_000) ?? "")")
                try pair.start(1)
                let shared = await DaemonProcess.eventually(within: 20) {
                    await pair.drift()
                    return await pushed(by: 1, after: .distantPast).count == 2
                }
                #expect(shared, "the second daemon takes its share: \(pair.daemons[1]?.stderr.suffix(2_000) ?? "")")
                // Settled: each endpoint pushed by one daemon, two each.
                let settled = Date()
                _ = await DaemonProcess.eventually(within: Self.tick * 6) {
                    await pair.drift()
                    return false
                }
                let first = await pushed(by: 0, after: settled)
                let second = await pushed(by: 1, after: settled)
                #expect(first.count == 2 && second.count == 2 && first.isDisjoint(with: second), "daemon 0 pushed \(first), daemon 1 \(second)")
                #expect(pair.daemons[0]?.stderr.contains("for a standby to take over") == true, "the first daemon let two shards go")
                // What `scalerd status` reads: each shard, and which of them this instance leads.
                let view = try #require(try await pair.daemonView(1), "\(pair.daemons[1]?.stderr.suffix(1_000) ?? "")")
                let shardViews = (view["leadership"] as? [String: Any])?["shards"] as? [[String: Any]] ?? []
                #expect(shardViews.count == 4 && shardViews.filter { $0["role"] as? String == "leader" }.count == 2, "\(view)")

                pair.daemons[0]?.signal(SIGKILL)
                pair.daemons[0]?.process.waitUntilExit()
                let killed = Date()
                let tookAll = await DaemonProcess.eventually(within: 20) {
                    await pair.drift()
                    return await pushed(by: 1, after: killed) == Set(endpoints)
                }
                #expect(tookAll, "the survivor takes every shard: \(pair.daemons[1]?.stderr.suffix(2_000) ?? "")")
                let pushes = await pair.pushes()
                for endpoint in first {
                    let took = try #require(pushes.first { $0.endpoint == endpoint && $0.daemon == 1 && $0.at > killed }?.at)
                    #expect(took.timeIntervalSince(killed) <= Self.lease + 2 * Self.tick + 0.5, "\(endpoint) taken \(took.timeIntervalSince(killed))s after the kill")
                }
                for endpoint in endpoints {
                    let daemons = pushes.filter { $0.endpoint == endpoint }.map(\.daemon)
                    #expect(daemons == daemons.sorted(), "\(endpoint) was pushed by the first daemon after the second: \(daemons)")
                }
                guard sharedJournal else { return }
                #expect(pair.daemons[1]?.stderr.contains("state restored") == true, "the survivor carries on the dead one's saved states")
                #expect(pair.daemons[1]?.stderr.contains("could not be recorded") == false, "no shard's leader had its rows refused")
                let target = PostgresTarget(host: "127.0.0.1", port: pair.postgres.port, username: pair.postgres.username,
                                            password: pair.postgres.password, database: pair.postgres.database, tls: .disable)
                try await PostgresJournal.reading(target, logger: Logger(label: "test")).closing { journal in
                    let verified = try await journal.verify()
                    #expect(verified.problem == nil, "\(String(describing: verified.problem))")
                    let rows = try await journal.entries(JournalQuery())
                    for endpoint in endpoints {
                        let epochs = rows.filter { $0.endpoint == endpoint }.compactMap(\.epoch)
                        #expect(!epochs.isEmpty && epochs == epochs.sorted(), "\(endpoint)'s terms, in the order written: \(epochs)")
                    }
                    #expect(Set(rows.compactMap(\.epoch)).count >= 6, "four first terms, two taken by the newcomer, two by the survivor")
                    #expect(rows.allSatisfy { $0.epoch != nil && $0.outcome != .standby }, "the leaders' decisions alone")
                }
            }
        }
    }
}
