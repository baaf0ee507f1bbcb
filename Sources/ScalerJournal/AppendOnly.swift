/// SQL that makes the journal append-only in the database itself, so that no code path (ours or
/// a sqlite3 shell) can rewrite history.
///
/// One UPDATE is allowed, and only this one: extending the newest row of an endpoint when it is a
/// hold that repeats (`last_at` and `repeats` grow, the input ranges widen). Everything the
/// decision said stays exactly as first written.
enum AppendOnly {
    /// What a decision row recorded when written, as of migration v1.
    static let immutableDecisionColumns = [
        "id", "at", "endpoint", "provider", "mode", "policy_version", "metric_status", "metric_age",
        "metric_error", "queue_delay", "queue_delay_estimated", "queued", "in_flight", "ready_workers",
        "current_replicas", "raw_desired", "desired", "clamps", "action", "reason", "drift", "pushed", "outcome",
        "error_kind", "error_message", "provider_latency_ms",
    ]

    /// Migration v1's triggers, as released.
    static var triggers: String {
        triggers(immutable: immutableDecisionColumns, deletable: nil)
    }

    /// Since v2: the hashes are recorded too, and a prefix of rows that a `journal_prune` row
    /// accounts for may be deleted, which is how `journal prune` and retention delete.
    static var chainedTriggers: String {
        triggers(immutable: immutableDecisionColumns + ["prev_hash", "hash"], deletable: "OLD.id <= coalesce((SELECT max(last_removed_id) FROM journal_prune), 0)")
            + """

            CREATE TRIGGER journal_prune_append_only_update BEFORE UPDATE ON journal_prune
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: journal_prune rows cannot be updated'); END;
            CREATE TRIGGER journal_prune_append_only_delete BEFORE DELETE ON journal_prune
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: journal_prune rows cannot be deleted'); END;
            """
    }

    /// Since v4: a metric failure's kind is recorded too, and as immutable as the rest.
    static let addedDecisionColumnsV4 = ["metric_error_kind"]

    /// Since v11: the leader's epoch, as immutable.
    static let addedDecisionColumnsV11 = ["epoch"]

    static var chainedTriggersV4: String {
        triggers(immutable: immutableDecisionColumns + addedDecisionColumnsV4 + ["prev_hash", "hash"], deletable: "OLD.id <= coalesce((SELECT max(last_removed_id) FROM journal_prune), 0)")
    }

    /// Since v8: an endpoint's newest row is read from `decision_newest`, kept by a trigger on
    /// every insert, instead of the `(endpoint, id)` index, whose leaf for each endpoint that
    /// got a row was one more page written per row in a busy tick.
    static var chainedTriggersV8: String { newestTableTriggers(refusingEmptiedRanges: false, addedColumns: addedDecisionColumnsV4) }

    /// Since v9: an extension can widen a range but not empty it. Before, setting a `_min` or
    /// `_max` to NULL passed, since a comparison with NULL is NULL, and only `journal verify`
    /// saw it.
    static var chainedTriggersV9: String { newestTableTriggers(refusingEmptiedRanges: true, addedColumns: addedDecisionColumnsV4) }

    /// Since v11: the epoch is one of the columns an extension leaves as it was.
    static var chainedTriggersV11: String { newestTableTriggers(refusingEmptiedRanges: true, addedColumns: addedDecisionColumnsV4 + addedDecisionColumnsV11) }

    private static func newestTableTriggers(refusingEmptiedRanges: Bool, addedColumns: [String]) -> String {
        triggers(
            immutable: immutableDecisionColumns + addedColumns + ["prev_hash", "hash"],
            deletable: "OLD.id <= coalesce((SELECT max(last_removed_id) FROM journal_prune), 0)",
            newestOfEndpoint: "(SELECT id FROM decision_newest WHERE endpoint = OLD.endpoint)",
            refusingEmptiedRanges: refusingEmptiedRanges
        ) + newestRowTriggers
    }

    /// `decision_newest` follows inserts and nothing else: a pointer can only be set to the
    /// newest row of the whole table, of its own endpoint, so no statement can make an older
    /// row extendable; each check is a seek by rowid.
    private static let newestRowTriggers = """

        CREATE TRIGGER decision_newest_follows_insert AFTER INSERT ON decision
        BEGIN
            INSERT INTO decision_newest (endpoint, id) VALUES (NEW.endpoint, NEW.id)
            ON CONFLICT (endpoint) DO UPDATE SET id = excluded.id;
        END;
        CREATE TRIGGER decision_newest_insert_guard BEFORE INSERT ON decision_newest
        WHEN NOT (NEW.id = (SELECT max(id) FROM decision) AND (SELECT endpoint FROM decision WHERE id = NEW.id) IS NEW.endpoint)
        BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: decision_newest only follows inserted decisions'); END;
        CREATE TRIGGER decision_newest_update_guard BEFORE UPDATE ON decision_newest
        WHEN NOT (NEW.endpoint IS OLD.endpoint AND NEW.id = (SELECT max(id) FROM decision) AND (SELECT endpoint FROM decision WHERE id = NEW.id) IS NEW.endpoint)
        BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: decision_newest only follows inserted decisions'); END;
        CREATE TRIGGER decision_newest_delete_guard BEFORE DELETE ON decision_newest
        BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: decision_newest rows cannot be deleted'); END;
        """

    /// Since v3: pool events are never changed, and go only with a prune whose cutoff they predate.
    static let poolEventTriggers = """
        CREATE TRIGGER pool_event_append_only_update BEFORE UPDATE ON pool_event
        BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: pool_event rows cannot be updated'); END;
        CREATE TRIGGER pool_event_append_only_delete BEFORE DELETE ON pool_event
        WHEN NOT (OLD.at < coalesce((SELECT max(cutoff) FROM journal_prune), 0))
        BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: pool_event rows cannot be deleted (only journal prune deletes, and records it)'); END;
        """

    /// Since v6: lifecycle events are never changed nor deleted.
    static let daemonEventTriggers = """
        CREATE TRIGGER daemon_event_append_only_update BEFORE UPDATE ON daemon_event
        BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: daemon_event rows cannot be updated'); END;
        CREATE TRIGGER daemon_event_append_only_delete BEFORE DELETE ON daemon_event
        BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: daemon_event rows cannot be deleted'); END;
        """

    static let triggerNames = [
        "decision_append_only_update", "decision_append_only_delete", "endpoint_pause_append_only_update",
        "endpoint_pause_append_only_delete", "policy_version_append_only_update", "policy_version_append_only_delete",
        // Since v8; dropping them before v8 created them is a no-op.
        "decision_newest_follows_insert", "decision_newest_insert_guard", "decision_newest_update_guard", "decision_newest_delete_guard",
    ]

    private static func triggers(
        immutable: [String], deletable: String?, newestOfEndpoint: String = "(SELECT max(id) FROM decision WHERE endpoint = OLD.endpoint)",
        refusingEmptiedRanges: Bool = false
    ) -> String {
        let unchanged = immutable.map { "NEW.\($0) IS OLD.\($0)" }.joined(separator: " AND ")
        let holds: (String) -> String = { refusingEmptiedRanges ? "coalesce(\($0), 0)" : $0 }
        let widened = ["queue_delay", "queued", "in_flight"].map { column in
            "(OLD.\(column)_min IS NULL OR \(holds("NEW.\(column)_min <= OLD.\(column)_min"))) AND (OLD.\(column)_max IS NULL OR \(holds("NEW.\(column)_max >= OLD.\(column)_max")))"
        }.joined(separator: " AND ")
        let extendsNewestHold = """
            OLD.action = 'hold' AND NEW.repeats > OLD.repeats AND NEW.last_at >= OLD.last_at
            AND OLD.id = \(newestOfEndpoint)
            """
        return """
            CREATE TRIGGER decision_append_only_update BEFORE UPDATE ON decision
            WHEN NOT (\(unchanged) AND \(widened) AND \(extendsNewestHold))
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: a decision row cannot be changed (only the newest hold of an endpoint may be extended)'); END;
            CREATE TRIGGER decision_append_only_delete BEFORE DELETE ON decision\(deletable.map { "\n            WHEN NOT (\($0))" } ?? "")
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: decision rows cannot be deleted\(deletable == nil ? "" : " (only journal prune deletes, and records it)")'); END;
            CREATE TRIGGER endpoint_pause_append_only_update BEFORE UPDATE ON endpoint_pause
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: endpoint_pause rows cannot be updated'); END;
            CREATE TRIGGER endpoint_pause_append_only_delete BEFORE DELETE ON endpoint_pause
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: endpoint_pause rows cannot be deleted'); END;
            CREATE TRIGGER policy_version_append_only_update BEFORE UPDATE ON policy_version
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: policy_version rows cannot be updated'); END;
            CREATE TRIGGER policy_version_append_only_delete BEFORE DELETE ON policy_version
            BEGIN SELECT RAISE(ABORT, 'the scalerd journal is append-only: policy_version rows cannot be deleted'); END;
            """
    }
}
