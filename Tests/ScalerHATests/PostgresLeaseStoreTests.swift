import Foundation
import Logging
import PostgresNIO
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
            let granted = try await store.claim(name, holder: "a", epoch: nil, for: long)
            #expect(granted == .granted(epoch: 1))
            let renewed = try await store.claim(name, holder: "a", epoch: 1, for: long)
            #expect(renewed == .granted(epoch: 1))
            let refused = try await store.claim(name, holder: "b", epoch: nil, for: long)
            guard case .heldBy(let holder, let remaining) = refused else { Issue.record("b was granted a held lease"); return }
            #expect(holder == LeaseHolder(holder: "a", epoch: 1))
            #expect(remaining > .seconds(50) && remaining <= long, "counted in the server's time from a's renewal")
        }
    }

    @Test func aLapsedLeaseIsTakenOverInANewEpochAndTheOldHolderCannotRenewIt() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let first = try await store.claim(name, holder: "a", epoch: nil, for: lapsing)
            #expect(first == .granted(epoch: 1))
            let takenOver = try await store.claim(name, holder: "b", epoch: nil, for: long)
            #expect(takenOver == .granted(epoch: 2))
            let stale = try await store.claim(name, holder: "a", epoch: 1, for: long)
            guard case .heldBy(let holder, _) = stale else { Issue.record("a renewed a lease b holds"); return }
            #expect(holder == LeaseHolder(holder: "b", epoch: 2))
        }
    }

    @Test func aHolderRetakingItsOwnLapsedLeaseStartsANewEpoch() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let first = try await store.claim(name, holder: "a", epoch: nil, for: lapsing)
            #expect(first == .granted(epoch: 1))
            let retaken = try await store.claim(name, holder: "a", epoch: 1, for: long)
            #expect(retaken == .granted(epoch: 2),
                    "whatever a pushed in epoch 1 after it lapsed is fenced off by the new epoch")
        }
    }

    @Test func aReleaseHandsOverAtOnceAndOnlyByItsHolder() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let granted = try await store.claim(name, holder: "a", epoch: nil, for: long)
            #expect(granted == .granted(epoch: 1))
            try await store.release(name, holder: "b", epoch: 1)
            let beforeRelease = try await store.claim(name, holder: "b", epoch: nil, for: long)
            #expect(beforeRelease != .granted(epoch: 2), "b cannot release a's lease")
            try await store.release(name, holder: "a", epoch: 1)
            let afterRelease = try await store.claim(name, holder: "b", epoch: nil, for: long)
            #expect(afterRelease == .granted(epoch: 2))
        }
    }

    @Test func leasesOfDifferentNamesAreIndependent() async throws {
        let name = "lease-\(UUID().uuidString)"
        try await withLeaseStore { store in
            let shard0 = try await store.claim(name + "-shard-0", holder: "a", epoch: nil, for: long)
            #expect(shard0 == .granted(epoch: 1))
            let shard1 = try await store.claim(name + "-shard-1", holder: "b", epoch: nil, for: long)
            #expect(shard1 == .granted(epoch: 1))
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
            #expect(answers.allSatisfy { answer in
                if case .heldBy(let holder, _) = answer { return holder.epoch == 1 }
                return answer == .granted(epoch: 1)
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
            let granted = try await store.claim(name, holder: "a", epoch: nil, for: long)
            #expect(granted == .granted(epoch: 1))
            postgres.stop()
            let error = await #expect(throws: LeaseStoreError.self) { _ = try await store.claim(name, holder: "a", epoch: 1, for: long) }
            #expect(error?.description.hasPrefix("cannot claim the lease \(name): ") == true, "\(String(describing: error))")
            #expect(error?.description.contains(postgres.password) == false)
            try postgres.start()
            let renewed = try await store.claim(name, holder: "a", epoch: 1, for: long)
            #expect(renewed == .granted(epoch: 1), "the lease lived on in the table, and a new connection renews it")
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
            try await withSession(connection(to: server, database: database)) { connection in
                try await connection.query("""
                    CREATE TABLE scalerd_lease (name text PRIMARY KEY, holder text NOT NULL,
                                                epoch bigint NOT NULL CHECK (epoch > 0), expires_at timestamptz NOT NULL)
                    """, logger: logger)
                try await connection.query("GRANT SELECT, INSERT, UPDATE ON scalerd_lease TO rows_only", logger: logger)
            }
            try await store.prepare()
            let granted = try await store.claim("scalerd", holder: "a", epoch: nil, for: long)
            #expect(granted == .granted(epoch: 1))
        } catch {
            Issue.record(error)
        }
        await session.close()
    }

    @Test func aHolderEditedFarIntoTheFutureIsReportedNotTrapped() async throws {
        let name = "lease-\(UUID().uuidString)"
        let server = try #require(ThrowawayPostgres.shared)
        try await withLeaseStore { store in
            let granted = try await store.claim(name, holder: "a", epoch: nil, for: long)
            #expect(granted == .granted(epoch: 1))
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
