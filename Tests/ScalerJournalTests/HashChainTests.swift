import Foundation
import GRDB
import ScalerCore
import ScalerJournal
import Testing

@Suite(.postgres) struct HashChain {
    /// Six rows: five scale-ups and, last, a hold run of three evaluations.
    private func write(_ journal: TestJournal) async throws {
        for second in 0..<5 { try await journal.store.append(entry(at: Double(second) * 10, desired: 3 + second)) }
        for second in 5..<8 { try await journal.store.append(entry(at: Double(second) * 10, desired: 2, action: .hold, queueDelay: Double(second))) }
    }

    private func written(_ backend: JournalBackend, _ body: (TestJournal) async throws -> Void) async throws {
        try await withJournal(backend) { journal in
            try await write(journal)
            try await body(journal)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aJournalWrittenByScalerdVerifies(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            let result = try await journal.verify()
            #expect(result.problem == nil)
            #expect(result.rowsChecked == 6)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aChangedRowIsNamed(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            try await journal.tamper("UPDATE decision SET desired = 9 WHERE id = 3")
            let problem = try #require(try await journal.verify().problem)
            #expect(problem.rowID == 3 && problem.kind == .changed)
            #expect(problem.description == "row 3 does not match its hash: what it records was changed (or it was written) after the fact")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aStretchedHoldRunIsNamed(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            try await journal.tamper("UPDATE decision SET repeats = 30 WHERE id = 6")
            let problem = try #require(try await journal.verify().problem)
            #expect(problem.rowID == 6 && problem.kind == .extensionChanged)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aRemovedRowIsNamedByTheRowAfterIt(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            try await journal.tamper("DELETE FROM decision WHERE id = 2")
            let problem = try #require(try await journal.verify().problem)
            #expect(problem.rowID == 3 && problem.kind == .removed)
            #expect(problem.description == "rows before row 3 were removed: it is chained to a row that is no longer there (after row 1)")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func removingTheNewestRowsIsSeenToo(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            try await journal.tamper("DELETE FROM decision WHERE id >= 5")
            let problem = try #require(try await journal.verify().problem)
            #expect(problem.description == "the newest row(s), ids 5 to 6, were removed")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aMetricFailuresKindIsChainedWhenPresentAndRowsWithoutOneKeepTheirHash(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            var failed = entry(at: 90, desired: 2, action: .hold)
            failed.metricErrorKind = .unauthorized
            failed.metricError = "prometheus: answered 401"
            try await journal.store.append(failed)
            #expect(try await journal.verify().problem == nil, "the rows written before the kind existed still verify")
            let newest = try #require(try await journal.entries().last?.id)
            try await journal.tamper("UPDATE decision SET metric_error_kind = 'timeout' WHERE id = \(newest)")
            #expect(try await journal.verify().problem?.rowID == newest)
            try await journal.tamper("UPDATE decision SET metric_error_kind = NULL WHERE id = \(newest)")
            #expect(try await journal.verify().problem?.rowID == newest, "dropping the kind is a change too")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func anInsertedRowIsNamedEvenWithAValidHashOfItsOwn(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            // A forger who copies row 6, hashes and all, under a new id.
            let columns = JournalEntry.insertedColumns.joined(separator: ", ")
            try await journal.tamper("INSERT INTO decision (id, \(columns)) SELECT 100, \(columns) FROM decision WHERE id = 6")
            let problem = try #require(try await journal.verify().problem)
            #expect(problem.rowID == 100 && problem.kind == .inserted, "\(problem)")
            #expect(problem.description == "row 100 was inserted after the fact: it is chained to the same row as row 6")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aRowAddedAnywhereButAfterTheNewestIsRefused(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            let columns = JournalEntry.insertedColumns.joined(separator: ", ")
            let copy = "INSERT INTO decision (id, \(columns)) SELECT 100, \(columns) FROM decision WHERE id = 6"
            switch backend {
            case .sqlite:
                // SQLite's rules are on changes; a copy is seen by `verify` (above).
                #expect(try await journal.rawWriteError(copy) == nil)
            case .postgres:
                let refused = try await journal.rawWriteError(copy)
                #expect(refused?.contains("is added only after the newest (id 7") == true, "\(String(describing: refused))")
            }
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aPruneRemovesTheOldRowsSaysSoAndTheChainStillVerifies(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            let pruned = try await journal.store.prune(before: Date(timeIntervalSince1970: 25), reason: "test", at: Date(timeIntervalSince1970: 100))
            #expect(pruned.removedRows == 3 && pruned.lastRemovedID == 3)
            try await journal.store.append(entry(at: 90, desired: 5))
            let result = try await journal.verify()
            #expect(result.problem == nil && result.prunes == 1 && result.rowsChecked == 4)
            let refused = try await journal.rawWriteError("DELETE FROM decision WHERE id = 4")
            #expect(refused?.contains("only journal prune deletes") == true, "outside a prune, deletion is still refused")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aHoldRunThatWasPrunedIsNotExtendedButStartedAgain(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            try await journal.store.append(entry(at: 80, desired: 2, action: .hold))
            try await journal.store.prune(before: Date(timeIntervalSince1970: 1_000), reason: "test", at: Date(timeIntervalSince1970: 1_000))
            try await journal.store.append(entry(at: 90, desired: 2, action: .hold))
            let rows = try await journal.entries()
            #expect(rows.count == 1 && rows[0].repeats == 1)
            #expect(try await journal.verify().problem == nil)
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func reopeningAChainedJournalKeepsItVerifying(_ backend: JournalBackend) async throws {
        try await written(backend) { journal in
            // Re-opening runs no migration twice and keeps verifying.
            _ = try await journal.reopened()
            #expect(try await journal.verify().problem == nil)
        }
    }
}
