import ScalerJournal

/// The journal's schema in PostgreSQL: the tables, columns and rules of the SQLite journal at its
/// newest version, one migration per change, never edited once released. Where SQLite needs
/// AUTOINCREMENT and `decision_newest`, PostgreSQL has `journal_head`: each chain's newest id and
/// hash, which every insert must follow on from, so that concurrent writers serialize on it and
/// no row can be added anywhere but at the end.
enum PostgresJournalSchema {
    /// Each migration's statements, in order (one at a time: the extended protocol runs one).
    static let migrations: [(name: String, statements: [String])] = [("v1-journal", v1), ("v2-fencing-per-endpoint", v2)]

    /// Taken for the length of a migration, so that instances starting together migrate once.
    static let migrationLock: Int64 = 0x5CA1_E4D0_0000_0001

    /// Everything a decision row records when written: all but its hold run's extension.
    static let immutableDecisionColumns = DecisionColumns.inserted.filter {
        !HashChain.extensionColumns.contains($0) && $0 != "extension_hash"
    }

    private static let refused = "the scalerd journal is append-only"

    /// The SQLSTATE of a decision refused for its stale epoch, so that the writer can tell it
    /// from a failure to write.
    static let staleEpochState = "SE409"

    private static var decisionUpdateAllowed: String {
        decisionUpdateAllowedV2 + "\n           AND coalesce(OLD.epoch, 0) >= coalesce((SELECT last_epoch FROM journal_head WHERE chain = 'decision'), 0)"
    }

    private static var decisionUpdateAllowedV2: String {
        let unchanged = "(\(immutableDecisionColumns.map { "NEW.\($0)" }.joined(separator: ", "))) IS NOT DISTINCT FROM (\(immutableDecisionColumns.map { "OLD.\($0)" }.joined(separator: ", ")))"
        let widened = ["queue_delay", "queued", "in_flight"].map { column in
            "(OLD.\(column)_min IS NULL OR coalesce(NEW.\(column)_min <= OLD.\(column)_min, false)) AND (OLD.\(column)_max IS NULL OR coalesce(NEW.\(column)_max >= OLD.\(column)_max, false))"
        }.joined(separator: "\n           AND ")
        return """
            \(unchanged)
                       AND \(widened)
                       AND OLD.action = 'hold' AND NEW.repeats > OLD.repeats AND NEW.last_at >= OLD.last_at
                       AND NOT EXISTS (SELECT 1 FROM decision newer WHERE newer.endpoint = OLD.endpoint AND newer.id > OLD.id)
            """
    }

    /// A row-level trigger that lets `operation` through only when `allowed` holds of it.
    private static func guarded(_ table: String, _ operation: String, allowing allowed: String, _ what: String) -> [String] {
        let row = operation == "delete" ? "OLD" : "NEW"
        return [
            """
            CREATE FUNCTION scalerd_guard_\(table)_\(operation)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF \(allowed) THEN RETURN \(row); END IF;
                RAISE EXCEPTION '\(refused): \(what)';
            END $$
            """,
            """
            CREATE TRIGGER \(table)_append_only_\(operation) BEFORE \(operation.uppercased()) ON \(table)
                FOR EACH ROW EXECUTE FUNCTION scalerd_guard_\(table)_\(operation)()
            """,
        ]
    }

    private static func refusing(_ table: String, _ operation: String, _ what: String) -> [String] {
        [
            """
            CREATE FUNCTION scalerd_refuse_\(table)_\(operation)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '\(refused): \(what)'; END $$
            """,
            """
            CREATE TRIGGER \(table)_append_only_\(operation) BEFORE \(operation.uppercased()) ON \(table)
                FOR EACH \(operation == "truncate" ? "STATEMENT" : "ROW") EXECUTE FUNCTION scalerd_refuse_\(table)_\(operation)()
            """,
        ]
    }

    static var v1: [String] {
        var statements: [String] = []
        statements.append("""
            CREATE TABLE journal_head (
                chain text PRIMARY KEY,
                last_id bigint NOT NULL,
                last_hash text NOT NULL,
                last_epoch bigint
            )
            """)
        statements.append("""
            INSERT INTO journal_head (chain, last_id, last_hash) VALUES
                ('decision', 0, '\(HashChain.genesis)'), ('daemon_event', 0, '\(HashChain.genesis)')
            """)
        statements.append("""
            CREATE TABLE decision (
                \(DecisionColumns.definitions)
            )
            """)
        statements.append("""
            CREATE INDEX decision_endpoint_at ON decision (endpoint, at)
            """)
        statements.append("""
            CREATE INDEX decision_endpoint_id ON decision (endpoint, id)
            """)
        statements.append("""
            CREATE INDEX decision_at ON decision (at)
            """)
        statements.append("""
            CREATE INDEX decision_last_at ON decision (last_at)
            """)
        statements.append("""
            CREATE TABLE policy_version (
                version text PRIMARY KEY,
                endpoint text NOT NULL,
                first_seen double precision NOT NULL,
                config text NOT NULL
            )
            """)
        statements.append("""
            CREATE TABLE endpoint_pause (
                id bigserial PRIMARY KEY,
                at double precision NOT NULL,
                endpoint text NOT NULL,
                paused boolean NOT NULL
            )
            """)
        statements.append("""
            CREATE TABLE journal_prune (
                id bigserial PRIMARY KEY,
                at double precision NOT NULL,
                cutoff double precision NOT NULL,
                removed_rows bigint NOT NULL,
                last_removed_id bigint NOT NULL,
                last_removed_hash text NOT NULL,
                reason text NOT NULL
            )
            """)
        statements.append("""
            CREATE TABLE pool_event (
                id bigserial PRIMARY KEY,
                at double precision NOT NULL,
                pool text NOT NULL,
                event text NOT NULL,
                instance_name text,
                instance_id text,
                operation_id text,
                ambiguous boolean NOT NULL,
                detail text
            )
            """)
        statements.append("""
            CREATE INDEX pool_event_at ON pool_event (at)
            """)
        statements.append("""
            CREATE TABLE endpoint_state (
                endpoint text PRIMARY KEY,
                policy_version text NOT NULL,
                saved_at double precision NOT NULL,
                state text NOT NULL
            )
            """)
        statements.append("""
            CREATE TABLE daemon_event (
                id bigint PRIMARY KEY,
                at double precision NOT NULL,
                event text NOT NULL,
                pid bigint NOT NULL,
                version text NOT NULL,
                config_version text NOT NULL,
                tick double precision,
                reason text NOT NULL,
                detail text NOT NULL,
                instance text,
                prev_hash text NOT NULL,
                hash text NOT NULL
            )
            """)
        // Rows are added only at the end of their chain: the ids after the newest, each linked
        // to the hash before it, and (decisions) of the newest epoch or a later one, so that a
        // leader whose term has passed writes nothing after its successor. Checked once per
        // statement over the rows it added, and the head moved once: a row-level trigger that
        // moved the head for every row made a 1,000-row append walk ever longer chains of the
        // head's row versions.
        statements.append("""
            CREATE FUNCTION scalerd_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                head journal_head%ROWTYPE;
                added record;
                newest_id bigint;
                newest_hash text;
                newest_epoch bigint;
            BEGIN
                SELECT * INTO head FROM journal_head WHERE chain = TG_TABLE_NAME FOR UPDATE;
                newest_id := head.last_id;
                newest_hash := head.last_hash;
                newest_epoch := head.last_epoch;
                FOR added IN SELECT t.id, t.prev_hash, t.hash, (to_jsonb(t) ->> 'epoch')::bigint AS epoch FROM added_rows t ORDER BY t.id LOOP
                    IF added.id IS DISTINCT FROM newest_id + 1 OR added.prev_hash IS DISTINCT FROM newest_hash THEN
                        RAISE EXCEPTION '\(refused): a % row is added only after the newest (id %, linked to its hash)', TG_TABLE_NAME, newest_id + 1;
                    END IF;
                    IF added.epoch < newest_epoch THEN
                        RAISE EXCEPTION 'the scalerd journal refuses a decision of epoch %: epoch % has written since (a leader whose lease was taken over)', added.epoch, newest_epoch
                            USING ERRCODE = '\(staleEpochState)';
                    END IF;
                    newest_id := added.id;
                    newest_hash := added.hash;
                    newest_epoch := greatest(newest_epoch, added.epoch);
                END LOOP;
                UPDATE journal_head SET last_id = newest_id, last_hash = newest_hash, last_epoch = newest_epoch WHERE chain = TG_TABLE_NAME;
                RETURN NULL;
            END $$
            """)
        statements.append("""
            CREATE TRIGGER decision_follows_head AFTER INSERT ON decision REFERENCING NEW TABLE AS added_rows
                FOR EACH STATEMENT EXECUTE FUNCTION scalerd_chain_append()
            """)
        statements.append("""
            CREATE TRIGGER daemon_event_follows_head AFTER INSERT ON daemon_event REFERENCING NEW TABLE AS added_rows
                FOR EACH STATEMENT EXECUTE FUNCTION scalerd_chain_append()
            """)
        statements += guarded(
            "journal_head", "update",
            allowing: "NEW.chain IS NOT DISTINCT FROM OLD.chain AND NEW.last_id > OLD.last_id AND coalesce(NEW.last_epoch, 0) >= coalesce(OLD.last_epoch, 0)",
            "journal_head only follows appended rows"
        )
        statements += refusing("journal_head", "delete", "journal_head rows cannot be deleted")
        statements += guarded(
            "decision", "update", allowing: decisionUpdateAllowed,
            "a decision row cannot be changed (only the newest hold of an endpoint may be extended)"
        )
        statements += guarded(
            "decision", "delete", allowing: "OLD.id <= coalesce((SELECT max(last_removed_id) FROM journal_prune), 0)",
            "decision rows cannot be deleted (only journal prune deletes, and records it)"
        )
        statements += guarded(
            "pool_event", "delete", allowing: "OLD.at < coalesce((SELECT max(cutoff) FROM journal_prune), 0)",
            "pool_event rows cannot be deleted (only journal prune deletes, and records it)"
        )
        statements += refusing("pool_event", "update", "pool_event rows cannot be updated")
        statements += ["policy_version", "endpoint_pause", "journal_prune", "daemon_event"].flatMap { table in
            refusing(table, "update", "\(table) rows cannot be updated") + refusing(table, "delete", "\(table) rows cannot be deleted")
        }
        statements += ["journal_head", "decision", "policy_version", "endpoint_pause", "journal_prune", "pool_event", "daemon_event"].flatMap { table in
            refusing(table, "truncate", "\(table) cannot be truncated")
        }
        return statements
    }

    /// Since v2: a decision is refused when its endpoint has a row of a later term, not any
    /// endpoint. Sharded groups (`ha.shards`) have one leader per shard, each in a term of its
    /// own, and one shard's new term must not refuse another shard's leader. Epochs come from
    /// one sequence for every lease, so the terms of an endpoint compare even when it moved to
    /// another shard (the shard count changed).
    static var v2: [String] {
        [
            """
            CREATE OR REPLACE FUNCTION scalerd_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                head journal_head%ROWTYPE;
                added record;
                newest_id bigint;
                newest_hash text;
                newest_epoch bigint;
                stale record;
            BEGIN
                SELECT * INTO head FROM journal_head WHERE chain = TG_TABLE_NAME FOR UPDATE;
                newest_id := head.last_id;
                newest_hash := head.last_hash;
                newest_epoch := head.last_epoch;
                FOR added IN SELECT t.id, t.prev_hash, t.hash, (to_jsonb(t) ->> 'epoch')::bigint AS epoch FROM added_rows t ORDER BY t.id LOOP
                    IF added.id IS DISTINCT FROM newest_id + 1 OR added.prev_hash IS DISTINCT FROM newest_hash THEN
                        RAISE EXCEPTION '\(refused): a % row is added only after the newest (id %, linked to its hash)', TG_TABLE_NAME, newest_id + 1;
                    END IF;
                    newest_id := added.id;
                    newest_hash := added.hash;
                    newest_epoch := greatest(newest_epoch, added.epoch);
                END LOOP;
                IF TG_TABLE_NAME = 'decision' THEN
                    SELECT a.epoch AS epoch, a.endpoint AS endpoint, earlier.epoch AS later INTO stale
                    FROM added_rows a CROSS JOIN LATERAL (
                        SELECT d.epoch FROM decision d
                        WHERE d.endpoint = a.endpoint AND d.id < a.id AND d.epoch IS NOT NULL
                        ORDER BY d.id DESC LIMIT 1
                    ) earlier
                    WHERE a.epoch < earlier.epoch
                    LIMIT 1;
                    IF FOUND THEN
                        RAISE EXCEPTION 'the scalerd journal refuses a decision of epoch % for %: epoch % has written it since (a leader whose lease was taken over)', stale.epoch, stale.endpoint, stale.later
                            USING ERRCODE = '\(staleEpochState)';
                    END IF;
                END IF;
                UPDATE journal_head SET last_id = newest_id, last_hash = newest_hash, last_epoch = newest_epoch WHERE chain = TG_TABLE_NAME;
                RETURN NULL;
            END $$
            """,
            // An open hold run is extended only while it is its endpoint's newest row, which a
            // later term's first row of that endpoint ends: the head's epoch no longer decides.
            """
            CREATE OR REPLACE FUNCTION scalerd_guard_decision_update() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF \(decisionUpdateAllowedV2) THEN RETURN NEW; END IF;
                RAISE EXCEPTION '\(refused): a decision row cannot be changed (only the newest hold of an endpoint may be extended)';
            END $$
            """,
        ]
    }
}
