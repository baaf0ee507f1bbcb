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

    @Test func aSharedJournalRefusesADecisionOfAnEpochOlderThanItsNewest() async throws {
        try await withJournal(.postgres) { journal in
            try await journal.store.append([row(at: 10, epoch: 3)])
            try await journal.store.append([row(endpoint: "embed", at: 12, epoch: 4, action: .scaleUp)])
            let refused = await #expect(throws: JournalError.self) {
                try await journal.store.append([row(endpoint: "other", at: 14, epoch: 3, action: .scaleUp)])
            }
            #expect(refused?.kind == .staleEpoch, "\(String(describing: refused))")
            #expect(refused?.message.contains("refuses a decision of epoch 3: epoch 4 has written since") == true)
            // Nor may the old term's open hold run grow: epoch 4 has written.
            #expect(try await journal.rawWriteError("UPDATE decision SET repeats = 2, last_at = 20 WHERE id = 1")?.contains("append-only") == true)
            try await journal.store.append([row(endpoint: "other", at: 16, epoch: nil, action: .scaleUp), row(at: 18, epoch: 4)])
            #expect(try await journal.entries().map(\.epoch) == [3, 4, nil, 4], "a row of no term, or of the newest, is taken")
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
