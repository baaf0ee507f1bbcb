import Foundation
import ScalerCore
import ScalerJournal
import Testing

/// Values of the wrong type, put in by hand behind the journal's rules: what the journal reads
/// is input like any other, and a value it cannot convert is an error or a change it reports,
/// never a trap (GRDB's row subscripts stop the process on a type they cannot convert).
@Suite(.postgres) struct HostileJournalValues {
    @Test(arguments: JournalBackend.allCases)
    func aHashThatIsNoTextIsAChangeVerifyNamesNotACrash(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.record(DaemonEvent(at: Date(timeIntervalSince1970: 10), event: .start, pid: 1, version: "t", configVersion: "c", tick: 5, reason: "r"))
            // SQLite keeps a blob as it is given, and this one is not UTF-8, so it reads as no
            // text at all; PostgreSQL's text column turns what it is given into text.
            try await journal.tamper(backend == .sqlite ? "UPDATE daemon_event SET prev_hash = x'ff' WHERE id = 1" : "UPDATE daemon_event SET prev_hash = '42' WHERE id = 1")
            let result = try await journal.verify()
            #expect(result.problem?.inDaemonEvents == true && result.problem?.rowID == 1 && result.problem?.kind == .changed,
                    "\(String(describing: result.problem))")
        }
    }

    @Test(arguments: JournalBackend.allCases)
    func aSavedStateWithATextInstantIsLeftOutAndTheEndpointStartsAfresh(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            try await journal.store.append([entry(at: 10)], states: [
                EndpointState(endpoint: "chat", policyVersion: "v1", savedAt: Date(timeIntervalSince1970: 10), state: ScalerState()),
                EndpointState(endpoint: "embed", policyVersion: "v1", savedAt: Date(timeIntervalSince1970: 10), state: ScalerState()),
            ])
            if backend == .postgres { try await journal.tamper("ALTER TABLE endpoint_state ALTER COLUMN saved_at TYPE text") }
            try await journal.tamper("UPDATE endpoint_state SET saved_at = 'yesterday' WHERE endpoint = 'chat'")
            let kept = try await journal.reopened().endpointStates().map(\.endpoint)
            #expect(!kept.contains("chat"))
            // PostgreSQL's column is text for both rows now, so neither reads as a number.
            if backend == .sqlite { #expect(kept == ["embed"], "the other endpoint's state is read as before") }
        }
    }

    @Test func aHeadIdMadeTextIsAnErrorNamingItNotACrash() async throws {
        try await withJournal(.postgres) { journal in
            try await journal.store.append([entry(at: 1)])
            try await journal.tamper("ALTER TABLE journal_head ALTER COLUMN last_id TYPE text")
            try await journal.tamper("UPDATE journal_head SET last_id = 'many'")
            let refused = await #expect(throws: JournalError.self) { try await journal.store.append([entry(at: 2)]) }
            #expect(refused?.message.contains("last_id") == true, "\(String(describing: refused))")
            await #expect(throws: (any Error).self, "verify reads the head too, and says it cannot") { _ = try await journal.verify() }
        }
    }
}
