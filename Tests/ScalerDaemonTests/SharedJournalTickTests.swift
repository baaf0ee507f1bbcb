import Foundation
import Logging
import PostgresNIO
import ScalerConfig
import ScalerCore
import ScalerHA
import ScalerJournal
import ScalerJournalPostgres
import ScalerPorts
import ScalerProviders
import ScalerTestSupport
import Testing
@testable import ScalerDaemon

/// A tick with a journal its group shares (PostgreSQL): the record and the saved states are the
/// leader's alone, each of its rows says its term, and rows of a term it lost give way.
@Suite(.postgres) struct SharedJournalTick {
    private func withController(
        endpoints: [String] = ["only"], applied: AppliedSettings? = nil, _ body: (inout Controller, PostgresJournal) async throws -> Void
    ) async throws {
        let server = try #require(ThrowawayPostgres.shared)
        let database = "tick_\(UUID().uuidString.prefix(8).lowercased())"
        var target = PostgresTarget(host: "127.0.0.1", port: server.port, username: server.username, password: server.password,
                                    database: server.database, tls: .disable)
        let admin = try PostgresSession(target, connectTimeout: .seconds(5), logger: Logger(label: "test"))
        _ = try await admin.exclusively { try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"), logger: Logger(label: "test")) }
        await admin.close()
        target.database = database
        let journal = try await PostgresJournal.open(target, logger: Logger(label: "test"))
        let config = try ConfigLoader(catalog: ProviderModules.catalog, workingDirectory: FileManager.default.temporaryDirectory.path).parse("""
            tick: 4s
            journal: { url: "postgres://\(server.username)@127.0.0.1:\(server.port)/\(database)?sslmode=disable" }
            providers: [{ name: demo, kind: simulated }]
            endpoints:
            \(endpoints.map { "  - { name: \($0), provider: demo, id: \($0), policy: { type: concurrency, value: 1, max_replicas: 8 } }" }.joined(separator: "\n"))
            """, file: "test.yaml")
        let runtimes = config.endpoints.map {
            EndpointRuntime(config: $0, provider: ScriptedProvider(replicas: 1, applied: applied), limits: .anything, metrics: FixedMetrics(inFlight: 4))
        }
        var controller = Controller(config: config, runtimes: runtimes, journal: journal, logger: Logger(label: "test"), clock: { Date() })
        do {
            try await body(&controller, journal)
            await journal.close()
        } catch {
            await journal.close()
            throw error
        }
    }

    private func leading(_ epoch: Int64) -> Acting {
        .leader(epoch: epoch, window: ActingWindow(.seconds(60), clock: ManualClock()))
    }

    @Test func aStandbyJournalsNoDecisionAndSavesNoStateTheLeaderThenDoesInItsTerm() async throws {
        try await withController { controller, journal in
            await controller.tick(acting: .standby("standby: b (epoch 2) leads"))
            await controller.flush()
            #expect(try await journal.entries(JournalQuery()).isEmpty, "the leader's record is the group's")
            #expect(try await journal.endpointStates().isEmpty, "nor does it overwrite the state the leader saved")

            await controller.tick(acting: leading(3))
            let rows = try await journal.entries(JournalQuery())
            #expect(rows.map(\.epoch) == [3] && rows.first?.pushed == true, "\(rows)")
            #expect(try await journal.endpointStates().map(\.endpoint) == ["only"])
        }
    }

    @Test func rowsOfATermThisInstanceLostGiveWayToTheNewLeadersRecord() async throws {
        try await withController { controller, journal in
            await controller.tick(acting: leading(3))
            // Another leader writes the endpoint in epoch 4; this one, not yet fenced, decides in epoch 3.
            var newer = try #require(try await journal.entries(JournalQuery()).first)
            (newer.id, newer.epoch, newer.at, newer.lastAt) = (nil, 4, Date(), Date())
            try await journal.append([newer])
            let refused = await controller.tick(acting: leading(3))
            #expect(refused.journalProblem == nil, "one refused write is not yet an outage")
            // Fenced, it stands by; its epoch-3 rows are not retried for ever: a gap row of no
            // term says what could not be recorded.
            await controller.tick(acting: .standby("lost"))
            await controller.tick(acting: .standby("lost"))
            let rows = try await journal.entries(JournalQuery())
            #expect(rows.map(\.epoch) == [3, 4, nil], "\(rows.map(\.epoch))")
            #expect(rows.last?.reason.contains("decided while this instance led in epoch 3, could not be recorded: the shared journal took a later term's rows first") == true,
                    "\(rows.last?.reason ?? "")")
            #expect(rows.last?.errorKind == .termLost && rows.last?.metricErrorKind == .termLost,
                    "a lost term's gap is its own kind: unlike an outage's, pushes may have been made in it")
            let gaps = try await journal.verify().gaps
            #expect(gaps.map(\.kind) == [.termLost], "journal verify lists it as a lost term's gap")
            await controller.tick(acting: leading(5))
            #expect(try await journal.entries(JournalQuery()).map(\.epoch) == [3, 4, nil, 5], "it records again when it leads again")
        }
    }

    @Test func withShardsEachEndpointIsPushedAndRecordedOnlyByItsShardsLeaderInThatShardsTerm() async throws {
        let shards = Shards(group: "g", count: 2)
        #expect(shards.shard(of: "embed") == 0 && shards.shard(of: "chat") == 1)
        let applied = AppliedSettings()
        try await withController(endpoints: ["chat", "embed"], applied: applied) { controller, journal in
            await controller.tick(acting: .sharded(shards, [leading(7), .standby("standby: b leads shard 1 of g")]))
            #expect(await applied.byEndpoint.keys.sorted() == ["embed"], "chat's shard is led by another")
            var rows = try await journal.entries(JournalQuery())
            #expect(rows.map(\.endpoint) == ["embed"] && rows.map(\.epoch) == [7] && rows.first?.pushed == true, "\(rows)")

            // The shards change hands: each endpoint goes on under its new leader's term.
            await controller.tick(acting: .sharded(shards, [.standby("standby: b leads shard 0 of g"), leading(8)]))
            await controller.flush()
            rows = try await journal.entries(JournalQuery())
            #expect(await applied.byEndpoint.keys.sorted() == ["chat", "embed"])
            #expect(rows.map(\.endpoint) == ["embed", "chat"] && rows.map(\.epoch) == [7, 8], "\(rows)")
            #expect(try await journal.endpointStates().map(\.endpoint).sorted() == ["chat", "embed"], "each saved by the leader of its shard")
        }
    }
}
