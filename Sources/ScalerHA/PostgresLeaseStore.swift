import Logging
import PostgresNIO
import ScalerCore

/// Leases in a PostgreSQL table, every expiry in the server's clock: a claim is one statement,
/// so two instances claiming at once are ordered by the row lock, and the loser is told who won.
public struct PostgresLeaseStore: LeaseStore {
    private let session: PostgresSession
    private let logger: Logger

    public init(session: PostgresSession, logger: Logger) {
        self.session = session
        self.logger = logger
    }

    /// Creates the lease table if it is missing; instances starting together take turns. A
    /// table made ahead by an administrator is used as it is: the role then needs rows only,
    /// not the right to create tables (PostgreSQL checks that right even for `IF NOT EXISTS`).
    public func prepare() async throws(LeaseStoreError) {
        try await failing("create the lease table") {
            try await session.withConnection { [logger] connection in
                let rows = try await connection.query("SELECT to_regclass('scalerd_lease') IS NOT NULL", logger: logger)
                for try await exists in rows.decode(Bool.self) where exists { return }
                try await connection.withTransaction(logger: logger) { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(hashtext('scalerd_lease schema'))", logger: logger)
                    try await connection.query("""
                        CREATE TABLE IF NOT EXISTS scalerd_lease (
                            name text PRIMARY KEY,
                            holder text NOT NULL,
                            epoch bigint NOT NULL CHECK (epoch > 0),
                            expires_at timestamptz NOT NULL
                        )
                        """, logger: logger)
                }
            }
        }
    }

    public func claim(_ name: String, holder: String, epoch: Int64?, for duration: Duration) async throws -> LeaseAnswer {
        let seconds = duration.seconds
        // The renewal condition and the take-over condition, both in the server's time. A lease
        // taken over, or taken again by its holder after running out, is a new epoch.
        let query: PostgresQuery = """
            WITH claimed AS (
                INSERT INTO scalerd_lease AS lease (name, holder, epoch, expires_at)
                VALUES (\(name), \(holder), 1, clock_timestamp() + make_interval(secs => \(seconds)))
                ON CONFLICT (name) DO UPDATE SET
                    holder = excluded.holder,
                    epoch = CASE WHEN lease.holder = excluded.holder AND lease.epoch = \(epoch) AND lease.expires_at > clock_timestamp()
                                 THEN lease.epoch ELSE lease.epoch + 1 END,
                    expires_at = excluded.expires_at
                WHERE (lease.holder = excluded.holder AND lease.epoch = \(epoch) AND lease.expires_at > clock_timestamp())
                   OR lease.expires_at <= clock_timestamp()
                RETURNING holder, epoch
            )
            SELECT true, holder, epoch, 0::float8 FROM claimed
            UNION ALL
            SELECT false, holder, epoch, extract(epoch FROM expires_at - clock_timestamp())::float8
            FROM scalerd_lease WHERE name = \(name) AND NOT EXISTS (SELECT 1 FROM claimed)
            """
        return try await failing("claim the lease \(name)") {
            try await session.withConnection { [logger] connection in
                // A claim that lost a race for a lease no one held sees no row at all: the winner's
                // insert is newer than the statement's snapshot. The next statement sees it.
                for _ in 0..<2 {
                    let rows = try await connection.query(query, logger: logger)
                    for try await (granted, current, currentEpoch, remaining) in rows.decode((Bool, String, Int64, Double).self) {
                        if granted { return LeaseAnswer.granted(epoch: currentEpoch) }
                        // Claimed by another in the same instant, this statement may still see
                        // the row as it was before: never a grant, and the next claim sees the winner.
                        return .heldBy(LeaseHolder(holder: current, epoch: currentEpoch), remaining: Self.remaining(remaining))
                    }
                }
                throw LeaseStoreError("the lease \(name) was neither granted nor found")
            }
        }
    }

    /// The store's seconds left, kept to what a `Duration` holds: a row edited by hand could say
    /// anything (a lease far in the future), and this only ever reports it.
    static func remaining(_ seconds: Double) -> Duration {
        guard seconds.isFinite else { return .zero }
        return .seconds(min(max(0, seconds), 1e12))
    }

    public func release(_ name: String, holder: String, epoch: Int64) async throws {
        try await failing("release the lease \(name)") {
            try await session.withConnection { [logger] connection in
                try await connection.query("""
                    UPDATE scalerd_lease SET expires_at = clock_timestamp()
                    WHERE name = \(name) AND holder = \(holder) AND epoch = \(epoch) AND expires_at > clock_timestamp()
                    """, logger: logger)
            }
        }
    }

    public func close() async {
        await session.close()
    }

    /// Runs `body`, naming what failed in the store's words (never the query, never a password).
    @discardableResult
    private func failing<T>(_ action: String, _ body: () async throws -> T) async throws(LeaseStoreError) -> T {
        do {
            return try await body()
        } catch let error as LeaseStoreError {
            throw error
        } catch {
            throw LeaseStoreError("cannot \(action): \(PostgresFailure.describe(error))")
        }
    }
}

public struct LeaseStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
