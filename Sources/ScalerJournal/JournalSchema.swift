import GRDB

/// The journal's schema, one migration per change, never edited once released.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-decisions") { db in
            try db.create(table: "decision") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull()
                table.column("last_at", .double).notNull()
                table.column("repeats", .integer).notNull()
                table.column("endpoint", .text).notNull()
                table.column("provider", .text).notNull()
                table.column("mode", .text).notNull()
                table.column("policy_version", .text).notNull()
                table.column("metric_status", .text).notNull()
                table.column("metric_age", .double)
                table.column("metric_error", .text)
                table.column("queue_delay", .double)
                table.column("queue_delay_estimated", .boolean).notNull()
                table.column("queued", .integer)
                table.column("in_flight", .integer)
                table.column("ready_workers", .integer)
                table.column("current_replicas", .integer).notNull()
                table.column("raw_desired", .integer)
                table.column("desired", .integer).notNull()
                table.column("clamps", .jsonText).notNull()
                table.column("action", .text).notNull()
                table.column("reason", .text).notNull()
                table.column("drift", .jsonText).notNull()
                table.column("pushed", .boolean).notNull()
                table.column("outcome", .text).notNull()
                table.column("error_kind", .text)
                table.column("error_message", .text)
                table.column("provider_latency_ms", .double)
                for range in ["queue_delay", "queued", "in_flight"] {
                    table.column("\(range)_min", range == "queue_delay" ? .double : .integer)
                    table.column("\(range)_max", range == "queue_delay" ? .double : .integer)
                }
            }
            try db.create(index: "decision_endpoint_at", on: "decision", columns: ["endpoint", "at"])
            try db.create(index: "decision_at", on: "decision", columns: ["at"])

            // The full effective config behind each policy_version, so that "under which policy"
            // is answerable long after the file changed.
            try db.create(table: "policy_version") { table in
                table.primaryKey("version", .text)
                table.column("endpoint", .text).notNull()
                table.column("first_seen", .double).notNull()
                table.column("config", .jsonText).notNull()
            }

            // Operators' pauses and resumes of one endpoint, kept across restarts.
            try db.create(table: "endpoint_pause") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull()
                table.column("endpoint", .text).notNull()
                table.column("paused", .boolean).notNull()
            }
            try db.execute(sql: AppendOnly.triggers)
        }

        // Each decision row hashed and chained to the one before; the only deletion, a prune,
        // leaves a row saying what it removed and the hash the chain continues from.
        migrator.registerMigration("v2-hash-chain") { db in
            for name in AppendOnly.triggerNames { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            try db.alter(table: "decision") { table in
                table.add(column: "prev_hash", .text)
                table.add(column: "hash", .text)
                table.add(column: "extension_hash", .text)
            }
            try db.create(table: "journal_prune") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull()
                table.column("cutoff", .double).notNull()
                table.column("removed_rows", .integer).notNull()
                table.column("last_removed_id", .integer).notNull()
                table.column("last_removed_hash", .text).notNull()
                table.column("reason", .text).notNull()
            }
            // Rows written before the chain existed are chained in the order they were written.
            var previous = HashChain.genesis
            for row in try Row.fetchAll(db, sql: "SELECT * FROM decision ORDER BY id") {
                let values = HashChain.values(of: row)
                let hash = HashChain.rowHash(previous: previous, values: values)
                try db.execute(
                    sql: "UPDATE decision SET prev_hash = ?, hash = ?, extension_hash = ? WHERE id = ?",
                    arguments: [previous, hash, HashChain.extensionHash(rowHash: hash, values: values), row["id"] as Int64]
                )
                previous = hash
            }
            try db.execute(sql: AppendOnly.chainedTriggers)
        }

        // What instance pools asked their provider for and had not yet seen happen.
        migrator.registerMigration("v3-pool-events") { db in
            try db.create(table: "pool_event") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull()
                table.column("pool", .text).notNull()
                table.column("event", .text).notNull()
                table.column("instance_name", .text)
                table.column("instance_id", .text)
                table.column("operation_id", .text)
                table.column("ambiguous", .boolean).notNull()
                table.column("detail", .text)
            }
            try db.create(index: "pool_event_at", on: "pool_event", columns: ["at"])
            try db.execute(sql: AppendOnly.poolEventTriggers)
        }

        // A metric failure's kind, beside its words; hashed into the chain when present.
        migrator.registerMigration("v4-metric-error-kind") { db in
            for name in AppendOnly.triggerNames { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            try db.alter(table: "decision") { table in
                table.add(column: "metric_error_kind", .text)
            }
            try db.execute(sql: AppendOnly.chainedTriggersV4)
        }

        // What each endpoint's decisions carry from one to the next, so that a restart carries
        // on: the one table rewritten in place, since it is a state, not a record.
        migrator.registerMigration("v5-endpoint-state") { db in
            try db.create(table: "endpoint_state") { table in
                table.primaryKey("endpoint", .text)
                table.column("policy_version", .text).notNull()
                table.column("saved_at", .double).notNull()
                table.column("state", .jsonText).notNull()
            }
        }

        // Each daemon's start, reloads and stop (or, written by the next start, its unclean end),
        // chained apart from the decisions: when nobody was deciding is part of the record.
        migrator.registerMigration("v6-daemon-events") { db in
            try db.create(table: "daemon_event") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull()
                table.column("event", .text).notNull()
                table.column("pid", .integer).notNull()
                table.column("version", .text).notNull()
                table.column("config_version", .text).notNull()
                table.column("tick", .double)
                table.column("reason", .text).notNull()
                table.column("detail", .jsonText).notNull()
                table.column("prev_hash", .text)
                table.column("hash", .text)
            }
            try db.execute(sql: AppendOnly.daemonEventTriggers)
        }

        // The append-only trigger asks for an endpoint's newest row on every hold extension:
        // one seek in this index, where `decision_endpoint_at` made it read every row the
        // endpoint ever had.
        migrator.registerMigration("v7-newest-row-index") { db in
            try db.create(index: "decision_endpoint_id", on: "decision", columns: ["endpoint", "id"])
        }

        // At 10,000 endpoints a busy tick's rows touched a leaf of that index per endpoint, about
        // a quarter of the pages the tick wrote: a table of one row per endpoint answers the
        // trigger instead, in a few dozen pages.
        migrator.registerMigration("v8-newest-row-table") { db in
            try db.execute(sql: """
                CREATE TABLE decision_newest (endpoint TEXT PRIMARY KEY NOT NULL, id INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO decision_newest (endpoint, id) SELECT endpoint, max(id) FROM decision GROUP BY endpoint;
                """)
            for name in AppendOnly.triggerNames { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            try db.execute(sql: AppendOnly.chainedTriggersV8)
            try db.drop(index: "decision_endpoint_id")
        }

        migrator.registerMigration("v9-ranges-never-emptied") { db in
            for name in AppendOnly.triggerNames { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            try db.execute(sql: AppendOnly.chainedTriggersV9)
        }

        // Which instance of a group recorded an event, for journals a group shares; the same
        // column here keeps one schema on both backends.
        migrator.registerMigration("v10-event-instance") { db in
            try db.alter(table: "daemon_event") { table in
                table.add(column: "instance", .text)
            }
        }

        // The leader's epoch on each decision (high availability), hashed when present and never
        // changed after: the same column here keeps one schema on both backends.
        migrator.registerMigration("v11-decision-epoch") { db in
            for name in AppendOnly.triggerNames { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            try db.alter(table: "decision") { table in
                table.add(column: "epoch", .integer)
            }
            try db.execute(sql: AppendOnly.chainedTriggersV11)
        }
        return migrator
    }
}
