import Foundation
import Logging
import PostgresNIO
import ScalerCore
@testable import ScalerHA
import ScalerTestSupport
import Synchronization
import Testing

/// The lease table on a real PostgreSQL server, with every expiry in the server's clock.
@Suite(.postgres) struct PostgresLeases {
    /// A lease that has run out by the next statement: take-overs without waiting.
    private let lapsing = Duration.microseconds(1)
    private let long = Duration.seconds(60)

    @Test func aFreeLeaseIsGrantedAndRenewedInTheSameEpoch() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let epoch = try #require(try await store.claim(name, holder: "a", epoch: nil, for: long).grantedEpoch)
            let renewed = try await store.claim(name, holder: "a", epoch: epoch, for: long)
            #expect(renewed == .granted(epoch: epoch))
            let refused = try await store.claim(name, holder: "b", epoch: nil, for: long)
            guard case .heldBy(let holder, let remaining) = refused else { Issue.record("b was granted a held lease"); return }
            #expect(holder == LeaseHolder(holder: "a", epoch: epoch))
            #expect(remaining > .seconds(50) && remaining <= long, "counted in the server's time from a's renewal")
        }
    }

    @Test func aLapsedLeaseIsTakenOverInALaterEpochAndTheOldHolderCannotRenewIt() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let first = try #require(try await store.claim(name, holder: "a", epoch: nil, for: lapsing).grantedEpoch)
            let takenOver = try #require(try await store.claim(name, holder: "b", epoch: nil, for: long).grantedEpoch)
            #expect(takenOver > first)
            let stale = try await store.claim(name, holder: "a", epoch: first, for: long)
            guard case .heldBy(let holder, _) = stale else { Issue.record("a renewed a lease b holds"); return }
            #expect(holder == LeaseHolder(holder: "b", epoch: takenOver))
        }
    }

    @Test func aHolderRetakingItsOwnLapsedLeaseStartsALaterEpoch() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let first = try #require(try await store.claim(name, holder: "a", epoch: nil, for: lapsing).grantedEpoch)
            let retaken = try #require(try await store.claim(name, holder: "a", epoch: first, for: long).grantedEpoch)
            #expect(retaken > first, "whatever a pushed in its first term after it lapsed is fenced off by the new epoch")
        }
    }

    @Test func aReleaseHandsOverAtOnceAndOnlyByItsHolder() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let epoch = try #require(try await store.claim(name, holder: "a", epoch: nil, for: long).grantedEpoch)
            try await store.release(name, holder: "b", epoch: epoch)
            let beforeRelease = try await store.claim(name, holder: "b", epoch: nil, for: long)
            #expect(beforeRelease.grantedEpoch == nil, "b cannot release a's lease")
            try await store.release(name, holder: "a", epoch: epoch)
            let afterRelease = try #require(try await store.claim(name, holder: "b", epoch: nil, for: long).grantedEpoch)
            #expect(afterRelease > epoch)
        }
    }

    @Test func leasesOfDifferentNamesAreIndependentAndTheirTermsAreOrderedAcrossNames() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let shard0 = try #require(try await store.claim(name + "/0", holder: "a", epoch: nil, for: lapsing).grantedEpoch)
            let shard1 = try #require(try await store.claim(name + "/1", holder: "b", epoch: nil, for: long).grantedEpoch)
            let shard0Again = try #require(try await store.claim(name + "/0", holder: "b", epoch: nil, for: long).grantedEpoch)
            // One sequence for every lease: a journal can order an endpoint's terms even when it
            // moved from one shard to another.
            #expect(shard0 < shard1 && shard1 < shard0Again)
        }
    }

    @Test func oneStatementClaimsEveryShardGrantingFreeOnesRenewingHeldOnesAndNamingOthersHolders() async throws {
        let group = "g\(UUID().uuidString.prefix(8))"
        let shards = Shards(group: group, count: 3)
        try await withLeaseStore { store in
            let held = try #require(try await store.claim(shards.lease(1), holder: "b", epoch: nil, for: long).grantedEpoch)
            let first = try await store.claim([shards.lease(0): nil, shards.lease(1): nil, shards.lease(2): nil], holder: "a", for: long)
            let (zero, two) = (try #require(first[shards.lease(0)]?.grantedEpoch), try #require(first[shards.lease(2)]?.grantedEpoch))
            guard case .heldBy(let holder, let remaining) = first[shards.lease(1)] else { Issue.record("\(first)"); return }
            #expect(holder == LeaseHolder(holder: "b", epoch: held) && remaining > .seconds(50))
            let renewed = try await store.claim([shards.lease(0): zero, shards.lease(2): two], holder: "a", for: long)
            #expect(renewed == [shards.lease(0): .granted(epoch: zero), shards.lease(2): .granted(epoch: two)], "the same terms")
        }
    }

    @Test func aShardAnotherClaimHasLockedIsLeftOutNotWaitedFor() async throws {
        let group = "g\(UUID().uuidString.prefix(8))"
        let shards = Shards(group: group, count: 2)
        let server = try #require(ThrowawayPostgres.shared)
        try await withLeaseStore { store in
            _ = try await store.claim([shards.lease(0): nil, shards.lease(1): nil], holder: "a", for: lapsing)
            try await withSession(connection(to: server)) { other in
                let logger = Logger(label: "test")
                try await other.query("BEGIN", logger: logger)
                try await other.query("SELECT 1 FROM scalerd_lease WHERE name = \(shards.lease(1)) FOR UPDATE", logger: logger)
                let answers = try await store.claim([shards.lease(0): nil, shards.lease(1): nil], holder: "b", for: long)
                try await other.query("COMMIT", logger: logger)
                #expect(answers.keys.sorted() == [shards.lease(0)], "\(answers)")
                #expect(answers[shards.lease(0)]?.grantedEpoch != nil)
            }
        }
    }

    @Test func ofManyInstancesClaimingOverlappingShardsAtOnceEachShardGoesToOneAndNoneWaitsOrFails() async throws {
        let shards = Shards(group: "g\(UUID().uuidString.prefix(8))", count: 8)
        let server = try #require(ThrowawayPostgres.shared)
        let sessions = (0..<6).map { _ in PostgresSession(configuration: connection(to: server), logger: Logger(label: "test")) }
        let stores = sessions.map { PostgresLeaseStore(session: $0, logger: Logger(label: "test")) }
        do {
            for store in stores { try await store.prepare() }
            let all = Dictionary(uniqueKeysWithValues: shards.indices.map { (shards.lease($0), Int64?.none) })
            let rounds = try await withThrowingTaskGroup(of: [String: LeaseAnswer].self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask { try await store.claim(all, holder: "instance-\(index)", for: long) }
                }
                return try await group.reduce(into: [[String: LeaseAnswer]]()) { $0.append($1) }
            }
            for lease in all.keys {
                #expect(rounds.compactMap { $0[lease]?.grantedEpoch }.count == 1, "\(lease): \(rounds.map { $0[lease] })")
            }
        } catch {
            Issue.record(error)
        }
        for session in sessions { await session.close() }
    }

    @Test func aSurveyCountsTheLiveMembersAndNamesTheHoldersOfTheGroupsUnexpiredLeasesOnly() async throws {
        let group = "g\(UUID().uuidString.prefix(8))"
        let shards = Shards(group: group, count: 3)
        try await withLeaseStore { store in
            let alone = try await store.survey(shards, holder: "a", for: long)
            #expect(alone == LeaseSurvey(members: ["a": 3], holders: [:]))
            _ = try await store.survey(Shards(group: group, count: 5), holder: "b", for: long)
            _ = try await store.survey(shards, holder: "gone", for: lapsing)
            let epoch = try #require(try await store.claim(shards.lease(1), holder: "b", epoch: nil, for: long).grantedEpoch)
            _ = try await store.claim(shards.lease(2), holder: "gone", epoch: nil, for: lapsing)
            _ = try await store.claim(group + "x/0", holder: "other group", epoch: nil, for: long)
            let seen = try await store.survey(shards, holder: "a", for: long)
            #expect(seen == LeaseSurvey(members: ["a": 3, "b": 5], holders: [shards.lease(1): LeaseHolder(holder: "b", epoch: epoch)]),
                    "each live member with its shard count")
            let single = try #require(try await store.claim(group, holder: "c", epoch: nil, for: long).grantedEpoch)
            #expect(try await store.survey(shards, holder: "a", for: long).holders[group] == LeaseHolder(holder: "c", epoch: single),
                    "the group's own lease, held by an instance that does not shard, is seen")
            try await store.leave(group, holder: "b")
            #expect(try await store.survey(shards, holder: "a", for: long).members == ["a": 3], "a member that left is not counted")
        }
    }

    @Test func ofManyInstancesClaimingAFreeLeaseAtOnceExactlyOneIsGranted() async throws {
        let name = "lease-\(UUID().uuidString)"
        let server = try #require(ThrowawayPostgres.shared)
        // Twelve instances, each with its own connection, as twelve daemons would claim: all
        // connected first, so that the claims, not the logins, race.
        let sessions = (0..<12).map { _ in PostgresSession(configuration: connection(to: server), logger: Logger(label: "test")) }
        let stores = sessions.map { PostgresLeaseStore(session: $0, logger: Logger(label: "test")) }
        do {
            for store in stores { try await store.prepare() }
            let answers = try await withThrowingTaskGroup(of: LeaseAnswer.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask { try await store.claim(name, holder: "instance-\(index)", epoch: nil, for: long) }
                }
                return try await group.reduce(into: [LeaseAnswer]()) { $0.append($1) }
            }
            #expect(answers.filter { if case .granted = $0 { true } else { false } }.count == 1)
            let winner = try #require(answers.compactMap(\.grantedEpoch).first)
            #expect(answers.allSatisfy { answer in
                if case .heldBy(let holder, _) = answer { return holder.epoch == winner }
                return answer == .granted(epoch: winner)
            })
        } catch {
            Issue.record(error)
        }
        for session in sessions { await session.close() }
    }

    @Test func aStoppedServerIsAnErrorThatSaysWhatFailedAndARestartedOneIsUsedAgain() async throws {
        let name = "lease-\(UUID().uuidString)"
        let postgres = try await ThrowawayPostgres.started()
        try await withLeaseStore(on: postgres) { store in
            let epoch = try #require(try await store.claim(name, holder: "a", epoch: nil, for: long).grantedEpoch)
            postgres.stop()
            let error = await #expect(throws: LeaseStoreError.self) { _ = try await store.claim(name, holder: "a", epoch: epoch, for: long) }
            #expect(error?.description.hasPrefix("cannot claim the lease \(name): ") == true, "\(String(describing: error))")
            #expect(error?.description.contains(postgres.password) == false)
            try postgres.start()
            let renewed = try await store.claim(name, holder: "a", epoch: epoch, for: long)
            #expect(renewed == .granted(epoch: epoch), "the lease lived on in the table, and a new connection renews it")
        }
    }

    @Test func aRoleGrantedOnlyRowsUsesATableMadeAheadAndIsToldWhyWhenThereIsNone() async throws {
        let server = try #require(ThrowawayPostgres.shared)
        let database = "rows_only_\(UUID().uuidString.prefix(8).lowercased())"
        let logger = Logger(label: "test")
        try await withSession(connection(to: server)) { connection in
            try await connection.query("CREATE DATABASE \(unescaped: database)", logger: logger)
            try await connection.query("DO $$ BEGIN CREATE ROLE rows_only LOGIN PASSWORD 'rows-only-pw'; EXCEPTION WHEN duplicate_object THEN NULL; END $$", logger: logger)
        }
        var limited = connection(to: server, password: "rows-only-pw", database: database)
        limited.username = "rows_only"
        let session = PostgresSession(configuration: limited, logger: logger)
        let store = PostgresLeaseStore(session: session, logger: logger)
        do {
            // PostgreSQL 15 lets no one but the owner create in the public schema.
            let refused = await #expect(throws: LeaseStoreError.self) { try await store.prepare() }
            #expect(refused?.description == "cannot create the lease table: permission denied for schema public (SQLSTATE 42501)")
            // Made once by an owner (the first scalerd started as it), then granted as
            // operations.md says.
            let owner = PostgresSession(configuration: connection(to: server, database: database), logger: logger)
            try await PostgresLeaseStore(session: owner, logger: logger).prepare()
            await owner.close()
            try await withSession(connection(to: server, database: database)) { connection in
                try await connection.query("GRANT SELECT, INSERT, UPDATE ON scalerd_lease TO rows_only", logger: logger)
                try await connection.query("GRANT SELECT, INSERT, UPDATE, DELETE ON scalerd_member TO rows_only", logger: logger)
                try await connection.query("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rows_only", logger: logger)
            }
            try await store.prepare()
            #expect(try await store.claim("scalerd", holder: "a", epoch: nil, for: long).grantedEpoch != nil)
            #expect(try await store.survey(Shards(group: "scalerd", count: 2), holder: "a", for: long).members == ["a": 2])
            try await store.leave("scalerd", holder: "a")
        } catch {
            Issue.record(error)
        }
        await session.close()
    }

    @Test func aHolderEditedFarIntoTheFutureIsReportedNotTrapped() async throws {
        let name = "lease-\(UUID().uuidString)"
        let server = try #require(ThrowawayPostgres.shared)
        try await withLeaseStore { store in
            let answer = try await store.claim(name, holder: "a", epoch: nil, for: long)
            #expect(answer.grantedEpoch != nil)
        }
        try await withSession(connection(to: server)) { connection in
            try await connection.query("UPDATE scalerd_lease SET expires_at = '294000-01-01', epoch = 9223372036854775807 WHERE name = \(name)", logger: Logger(label: "test"))
        }
        try await withLeaseStore { store in
            let answer = try await store.claim(name, holder: "b", epoch: nil, for: long)
            #expect(answer == .heldBy(LeaseHolder(holder: "a", epoch: Int64.max), remaining: .seconds(1e12)))
            // Taking it over would need an epoch past bigint: the server refuses, the claim fails.
            try await withSession(connection(to: server)) { connection in
                try await connection.query("UPDATE scalerd_lease SET expires_at = now() - interval '1 second' WHERE name = \(name)", logger: Logger(label: "test"))
            }
            let overflow = await #expect(throws: LeaseStoreError.self) { _ = try await store.claim(name, holder: "b", epoch: nil, for: long) }
            #expect(overflow?.description.contains("bigint out of range") == true, "\(String(describing: overflow))")
        }
        #expect(PostgresLeaseStore.remaining(.infinity) == .zero && PostgresLeaseStore.remaining(-7) == .zero)
    }

    @Test func aWrongPasswordIsRefusedByTheServerAndNotQuoted() async throws {
        let postgres = try #require(ThrowawayPostgres.shared)
        let wrong = "not-the-password-77"
        let error = await #expect(throws: LeaseStoreError.self) {
            try await withLeaseStore(on: postgres, password: wrong) { _ in }
        }
        #expect(error?.description.contains("password authentication failed") == true, "\(String(describing: error))")
        #expect(error?.description.contains(wrong) == false)
    }
}

/// Runs `body` with a lease store on `postgres` (the suite's server if none), prepared.
func withLeaseStore(
    on postgres: ThrowawayPostgres? = nil, password: String? = nil, _ body: @Sendable (PostgresLeaseStore) async throws -> Void
) async throws {
    guard let server = postgres ?? ThrowawayPostgres.shared else { throw PostgresUnavailableForTest() }
    let session = PostgresSession(configuration: connection(to: server, password: password), logger: Logger(label: "test"))
    let store = PostgresLeaseStore(session: session, logger: Logger(label: "test"))
    do {
        try await store.prepare()
        try await body(store)
    } catch {
        await session.close()
        throw error
    }
    await session.close()
}

/// Runs `body` on a connection of its own, closed on every path (PostgresNIO asserts that a
/// connection is closed before it goes).
func withSession(_ configuration: PostgresConnection.Configuration, _ body: @Sendable (PostgresConnection) async throws -> Void) async throws {
    let session = PostgresSession(configuration: configuration, logger: Logger(label: "test"))
    do {
        try await session.withConnection(body)
    } catch {
        await session.close()
        throw error
    }
    await session.close()
}

func connection(to server: ThrowawayPostgres, password: String? = nil, database: String? = nil) -> PostgresConnection.Configuration {
    var configuration = PostgresConnection.Configuration(
        host: "127.0.0.1", port: server.port, username: server.username, password: password ?? server.password,
        database: database ?? server.database, tls: .disable
    )
    configuration.options.connectTimeout = .seconds(5)
    return configuration
}

struct PostgresUnavailableForTest: Error, CustomStringConvertible {
    var description: String { "no PostgreSQL server for this test: the suite needs the .postgres trait" }
}

extension LeaseAnswer {
    var grantedEpoch: Int64? {
        if case .granted(let epoch) = self { return epoch }
        return nil
    }
}
