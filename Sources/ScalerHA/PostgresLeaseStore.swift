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

    /// Creates the lease table, the group membership table and the epoch sequence if any is
    /// missing; instances starting together take turns. Objects made ahead by an administrator
    /// are used as they are: the role then needs rows only, not the right to create tables
    /// (PostgreSQL checks that right even for `IF NOT EXISTS`).
    public func prepare() async throws(LeaseStoreError) {
        try await failing("create the lease table") {
            try await session.withConnection { [logger] connection in
                let rows = try await connection.query("""
                    SELECT to_regclass('scalerd_lease') IS NOT NULL AND to_regclass('scalerd_member') IS NOT NULL
                       AND to_regclass('scalerd_lease_epoch') IS NOT NULL
                    """, logger: logger)
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
                    try await connection.query("""
                        CREATE TABLE IF NOT EXISTS scalerd_member (
                            grp text NOT NULL,
                            holder text NOT NULL,
                            shards integer NOT NULL CHECK (shards > 0),
                            expires_at timestamptz NOT NULL,
                            PRIMARY KEY (grp, holder)
                        )
                        """, logger: logger)
                    // One sequence for every lease: a term of any shard is later than every term
                    // before it, of any shard, so that a journal can order the terms of an
                    // endpoint that moved between shards. Started past the epochs a lease table
                    // from before it holds.
                    try await connection.query("""
                        DO $$ BEGIN
                            IF to_regclass('scalerd_lease_epoch') IS NULL THEN
                                CREATE SEQUENCE scalerd_lease_epoch;
                                PERFORM setval('scalerd_lease_epoch', max(epoch)) FROM scalerd_lease HAVING max(epoch) IS NOT NULL;
                            END IF;
                        END $$
                        """, logger: logger)
                }
            }
        }
    }

    public func claim(_ name: String, holder: String, epoch: Int64?, for duration: Duration) async throws -> LeaseAnswer {
        let seconds = duration.seconds
        // The renewal condition and the take-over condition, both in the server's time. A lease
        // taken over, or taken again by its holder after running out, is a new epoch: the next
        // of the sequence, and never less than the lease's own next (a sequence reset by hand).
        let query: PostgresQuery = """
            WITH renewed AS (
                UPDATE scalerd_lease AS lease SET
                    holder = \(holder),
                    epoch = CASE WHEN lease.holder = \(holder) AND lease.epoch = \(epoch) AND lease.expires_at > clock_timestamp()
                                 THEN lease.epoch ELSE greatest(nextval('scalerd_lease_epoch'), lease.epoch + 1) END,
                    expires_at = clock_timestamp() + make_interval(secs => \(seconds))
                WHERE lease.name = \(name)
                  AND ((lease.holder = \(holder) AND lease.epoch = \(epoch) AND lease.expires_at > clock_timestamp())
                       OR lease.expires_at <= clock_timestamp())
                RETURNING holder, epoch
            ), inserted AS (
                INSERT INTO scalerd_lease (name, holder, epoch, expires_at)
                SELECT \(name), \(holder), nextval('scalerd_lease_epoch'), clock_timestamp() + make_interval(secs => \(seconds))
                WHERE NOT EXISTS (SELECT 1 FROM scalerd_lease WHERE name = \(name))
                ON CONFLICT (name) DO NOTHING
                RETURNING holder, epoch
            )
            SELECT true, holder, epoch, 0::float8 FROM renewed
            UNION ALL
            SELECT true, holder, epoch, 0::float8 FROM inserted
            UNION ALL
            SELECT false, holder, epoch, extract(epoch FROM expires_at - clock_timestamp())::float8
            FROM scalerd_lease WHERE name = \(name) AND NOT EXISTS (SELECT 1 FROM renewed) AND NOT EXISTS (SELECT 1 FROM inserted)
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

    /// One statement for every shard: rows another claim has locked at that instant are skipped
    /// (`SKIP LOCKED`), so that two instances claiming overlapping shards never wait on each
    /// other, nor deadlock; missing rows are inserted in name order, which every instance
    /// follows. The conditions are `claim`'s.
    public func claim(_ leases: [String: Int64?], holder: String, for duration: Duration) async throws -> [String: LeaseAnswer] {
        let names = leases.keys.sorted()
        // Epochs are positive: 0 stands for none, an array of optionals not being bindable.
        let epochs = names.map { (leases[$0] ?? nil) ?? 0 }
        let seconds = duration.seconds
        let query: PostgresQuery = """
            WITH wanted AS (
                SELECT name, nullif(epoch, 0) AS epoch FROM unnest(\(names)::text[], \(epochs)::int8[]) AS w(name, epoch)
            ), locked AS (
                SELECT lease.name FROM scalerd_lease lease WHERE lease.name IN (SELECT name FROM wanted) FOR UPDATE SKIP LOCKED
            ), renewed AS (
                UPDATE scalerd_lease AS lease SET
                    holder = \(holder),
                    epoch = CASE WHEN lease.holder = \(holder) AND lease.epoch = w.epoch AND lease.expires_at > clock_timestamp()
                                 THEN lease.epoch ELSE greatest(nextval('scalerd_lease_epoch'), lease.epoch + 1) END,
                    expires_at = clock_timestamp() + make_interval(secs => \(seconds))
                FROM wanted w
                WHERE lease.name = w.name AND lease.name IN (SELECT name FROM locked)
                  AND ((lease.holder = \(holder) AND lease.epoch = w.epoch AND lease.expires_at > clock_timestamp())
                       OR lease.expires_at <= clock_timestamp())
                RETURNING lease.name, lease.holder, lease.epoch
            ), inserted AS (
                INSERT INTO scalerd_lease (name, holder, epoch, expires_at)
                SELECT w.name, \(holder), nextval('scalerd_lease_epoch'), clock_timestamp() + make_interval(secs => \(seconds))
                FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM scalerd_lease l WHERE l.name = w.name) ORDER BY w.name
                ON CONFLICT (name) DO NOTHING
                RETURNING name, holder, epoch
            )
            SELECT name, true, holder, epoch, 0::float8 FROM renewed
            UNION ALL
            SELECT name, true, holder, epoch, 0::float8 FROM inserted
            UNION ALL
            SELECT l.name, false, l.holder, l.epoch, extract(epoch FROM l.expires_at - clock_timestamp())::float8
            FROM scalerd_lease l WHERE l.name IN (SELECT name FROM locked) AND NOT EXISTS (SELECT 1 FROM renewed r WHERE r.name = l.name)
            """
        return try await failing("claim the leases \(names.joined(separator: ", "))") {
            try await session.withConnection { [logger] connection in
                var answers: [String: LeaseAnswer] = [:]
                let rows = try await connection.query(query, logger: logger)
                for try await (name, granted, current, epoch, remaining) in rows.decode((String, Bool, String, Int64, Double).self) {
                    answers[name] = granted
                        ? .granted(epoch: epoch)
                        : .heldBy(LeaseHolder(holder: current, epoch: epoch), remaining: Self.remaining(remaining))
                }
                return answers
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

    public func survey(_ shards: Shards, holder: String, for duration: Duration) async throws -> LeaseSurvey {
        let (group, seconds, prefix, count) = (shards.group, duration.seconds, "\(shards.group)/", Int64(shards.count))
        return try await failing("survey the group \(group)") {
            try await session.withConnection { [logger] connection in
                // The statement's snapshot does not see its own heartbeat: this instance is
                // added apart. Members gone longer than a lease are removed as they are seen.
                let rows = try await connection.query("""
                    WITH beat AS (
                        INSERT INTO scalerd_member (grp, holder, shards, expires_at)
                        VALUES (\(group), \(holder), \(count), clock_timestamp() + make_interval(secs => \(seconds)))
                        ON CONFLICT (grp, holder) DO UPDATE SET shards = excluded.shards, expires_at = excluded.expires_at
                        RETURNING holder
                    ), gone AS (
                        DELETE FROM scalerd_member
                        WHERE grp = \(group) AND holder <> \(holder) AND expires_at < clock_timestamp() - make_interval(secs => \(seconds))
                        RETURNING holder
                    )
                    SELECT true, holder, shards::int8, 0::int8, '' FROM scalerd_member
                    WHERE grp = \(group) AND holder <> \(holder) AND expires_at > clock_timestamp()
                    UNION ALL
                    SELECT false, holder, 0::int8, epoch, name FROM scalerd_lease
                    WHERE (name = \(group) OR starts_with(name, \(prefix))) AND expires_at > clock_timestamp()
                    """, logger: logger)
                var members = [holder: shards.count]
                var holders: [String: LeaseHolder] = [:]
                for try await (isMember, current, layout, epoch, name) in rows.decode((Bool, String, Int64, Int64, String).self) {
                    if isMember {
                        members[current] = Int(clamping: layout)
                    } else {
                        holders[name] = LeaseHolder(holder: current, epoch: epoch)
                    }
                }
                return LeaseSurvey(members: members, holders: holders)
            }
        }
    }

    public func leave(_ group: String, holder: String) async throws {
        try await failing("leave the group \(group)") {
            try await session.withConnection { [logger] connection in
                try await connection.query("DELETE FROM scalerd_member WHERE grp = \(group) AND holder = \(holder)", logger: logger)
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
