import Foundation
import GRDB
import ScalerCore
@testable import ScalerJournal
import Testing

/// What a journal several instances share needs: the leader's epoch on every decision, the
/// instance on every event, and (PostgreSQL) no row of a past term after a later one's.
@Suite(.postgres) struct SharedJournalRecords {
    private func row(endpoint: String = "chat", at seconds: Double, epoch: Int64?, action: ScalingAction = .hold) -> JournalEntry {
        var row = entry(endpoint: endpoint, at: seconds, desired: 2, action: action, outcome: action == .hold ? .unchanged : .applied)
        row.epoch = epoch
        return row
    }

    private func event(_ kind: DaemonEvent.Kind, at seconds: Double, instance: String?, detail: String = "{}") -> DaemonEvent {
        DaemonEvent(at: Date(timeIntervalSince1970: seconds), event: kind, pid: 7, version: "test", configVersion: "cfg", tick: 5,
                    reason: "test", detail: detail, instance: instance)
    }

    @Test(arguments: JournalBackend.allCases)
    func theEpochIsRecordedHashedAndEndsAHoldRun(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([row(at: 10, epoch: 3), row(at: 15, epoch: 3), row(at: 20, epoch: 4)])
            let rows = try await journal.entries()
            #expect(rows.map(\.epoch) == [3, 4], "a new term starts a new row")
            #expect(rows.map(\.repeats) == [2, 1])
            #expect(try await journal.verify().problem == nil)
            #expect(try await journal.rawWriteError("UPDATE decision SET epoch = 9 WHERE id = 2")?.contains("append-only") == true)
            try await journal.tamper("UPDATE decision SET epoch = 9 WHERE id = 1")
            #expect(try await journal.verify().problem?.rowID == 1, "the epoch is part of what the row recorded")
        }
    }

    @Test func aSharedJournalRefusesADecisionOfAnEpochOlderThanItsEndpointsNewestButNotAnotherShards() async throws {
        try await withJournal(.postgres) { journal in
            try await journal.store.append([row(at: 10, epoch: 3)])
            // Another shard's leader, in a later term: chat's leader goes on writing and extending.
            try await journal.store.append([row(endpoint: "embed", at: 12, epoch: 4, action: .scaleUp)])
            try await journal.store.append([row(at: 13, epoch: 3)])
            #expect(try await journal.entries().map(\.repeats) == [2, 1], "chat's hold run of epoch 3 grew after epoch 4 wrote embed")
            // Chat's shard taken over in epoch 5: chat's rows of epoch 3 are refused from now on.
            try await journal.store.append([row(at: 14, epoch: 5, action: .scaleUp)])
            let refused = await #expect(throws: JournalError.self) {
                try await journal.store.append([row(at: 15, epoch: 3, action: .scaleDown)])
            }
            #expect(refused?.kind == .staleEpoch, "\(String(describing: refused))")
            #expect(refused?.message.contains("refuses a decision of epoch 3 for chat: epoch 5 has written it since") == true, "\(String(describing: refused))")
            // Nor may the old term's open hold run grow: it is no longer chat's newest row.
            #expect(try await journal.rawWriteError("UPDATE decision SET repeats = 3, last_at = 20 WHERE id = 1")?.contains("append-only") == true)
            try await journal.store.append([row(endpoint: "other", at: 16, epoch: nil, action: .scaleUp), row(at: 18, epoch: 5)])
            #expect(try await journal.entries().map(\.epoch) == [3, 4, 5, nil, 5], "a row of no term, or of its endpoint's newest, is taken")
            #expect(try await journal.verify().problem == nil)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func eachInstanceFindsItsOwnPreviousRunAndItsInstanceIsHashed(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            let store = journal.store
            let acquired = LeadershipDetail(change: .acquired, group: "g", epoch: 5).detail
            try await store.record(event(.start, at: 100, instance: "a"))
            try await store.record(event(.leadership, at: 101, instance: "a", detail: acquired))
            try await store.record(event(.start, at: 102, instance: "b"))
            try await store.append([row(at: 110, epoch: 5, action: .scaleUp)])
            try await store.record(event(.stop, at: 120, instance: "b"))
            let a = try #require(try await store.previousRun(instance: "a"))
            #expect(a.ending == .endedWithoutStop && a.startedAt == Date(timeIntervalSince1970: 100))
            let b = try #require(try await store.previousRun(instance: "b"))
            #expect(b.ending == .stopped && b.endedAt == Date(timeIntervalSince1970: 120))
            if backend == .postgres {
                #expect(a.endedAt == Date(timeIntervalSince1970: 110), "its last decision, found by the epoch it led")
            }
            #expect(try await journal.verify().problem == nil)
            try await journal.tamper("UPDATE daemon_event SET instance = 'c' WHERE id = 3")
            #expect(try await journal.verify().problem?.rowID == 3)
        }
    }
}

/// The grants docs/operations.md gives a daemon's role that may not create tables: with the
/// tables made by an owner, it opens, appends, extends, prunes and records as the owner does.
@Suite(.postgres) struct PostgresJournalRoles {
    @Test func aRoleGrantedTheDocumentedRowsOnlyRunsTheJournal() async throws {
        try await withJournal(.postgres) { journal in
            try await journal.store.append([entry(at: 1)])
            let grants = try Self.documentedGrants()
            #expect(grants.count >= 4, "\(grants)")
            // The lease's tables, as the first leader (here, the owner) makes them.
            let lease = "CREATE TABLE scalerd_lease (name text PRIMARY KEY, holder text NOT NULL, epoch bigint NOT NULL, expires_at timestamptz NOT NULL)"
            let members = "CREATE TABLE scalerd_member (grp text, holder text, shards integer NOT NULL, expires_at timestamptz NOT NULL, PRIMARY KEY (grp, holder))"
            for statement in [lease, members, "CREATE ROLE daemon LOGIN PASSWORD 'daemon-pw-31'", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"] + grants {
                #expect(try await journal.rawWriteError(statement) == nil, "\(statement)")
            }
            let daemon = try await journal.opened(as: "daemon", password: "daemon-pw-31")
            var hold = entry(at: 10, action: .hold, outcome: .unchanged)
            hold.desired = 2
            hold.currentReplicas = 2
            try await daemon.append([hold, { var next = hold; next.at = Date(timeIntervalSince1970: 15); next.lastAt = next.at; return next }()])
            try await daemon.recordPause(endpoint: "chat", paused: true, at: Date(timeIntervalSince1970: 16))
            try await daemon.record(DaemonEvent(at: Date(timeIntervalSince1970: 17), event: .start, pid: 1, version: "t", configVersion: "c", tick: 5, reason: "r"))
            try await daemon.recordPoolEvent(PoolEventRecord(at: Date(timeIntervalSince1970: 18), pool: "p/e", event: .createSent))
            try await daemon.prune(before: Date(timeIntervalSince1970: 5), reason: "test", at: Date(timeIntervalSince1970: 20))
            #expect(try await journal.entries().map(\.repeats) == [2])
            #expect(try await journal.verify().problem == nil)
        }
    }

    /// The `GRANT` statements of operations.md's setup, as written there.
    private static func documentedGrants() throws -> [String] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/operations.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        var grants: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if current.isEmpty, !line.hasPrefix("GRANT") { continue }
            current += (current.isEmpty ? "" : " ") + (line.components(separatedBy: "--").first ?? line).trimmingCharacters(in: .whitespaces)
            if current.hasSuffix(";") {
                grants.append(String(current.dropLast()).replacingOccurrences(of: " TO scalerd", with: " TO daemon"))
                current = ""
            }
        }
        return grants
    }
}

/// Numbers the PostgreSQL journal reads back from its own tables are hostile too.
@Suite(.postgres) struct PostgresJournalHostileHead {
    @Test func aHeadAtTheLargestIdIsRefusedNamingItNotATrap() async throws {
        try await withJournal(.postgres) { journal in
            try await journal.store.append([entry(at: 1)])
            try await journal.tamper("UPDATE journal_head SET last_id = 9223372036854775807")
            let decision = await #expect(throws: JournalError.self) { try await journal.store.append([entry(at: 2)]) }
            #expect(decision?.message.contains("journal_head's last id is 9223372036854775807") == true, "\(String(describing: decision))")
            let event = await #expect(throws: JournalError.self) {
                try await journal.store.record(DaemonEvent(at: Date(), event: .start, pid: 1, version: "t", configVersion: "c", tick: 5, reason: "r"))
            }
            #expect(event?.message.contains("journal_head's last id is 9223372036854775807") == true, "\(String(describing: event))")
        }
    }
}
