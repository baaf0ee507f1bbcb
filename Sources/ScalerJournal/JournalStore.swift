import Foundation

/// What the daemon keeps in its journal and reads back to carry on, whichever backend keeps it:
/// a SQLite file on one machine (`Journal`), a PostgreSQL database that several instances share
/// (`PostgresJournal`). Both keep the same rows, chain them the same way and refuse the same
/// edits; each call is one transaction. `async`, since a networked backend answers later.
public protocol JournalStore: AnyObject, Sendable {
    /// Where the journal is, as logs and errors name it: a file's path, or a URL without a password.
    var location: String { get }

    /// How long a hold run that repeats may go with its newest evaluations only in memory (0:
    /// every one is written). A reload may change it; runs already open follow the new value.
    var holdWriteInterval: TimeInterval { get set }

    /// One tick's rows and the states the endpoints' next decisions start from: all of them, or
    /// none. `completingHoldRuns` (a stop) writes every run kept only in memory.
    func append(_ entries: [JournalEntry], states: [EndpointState], completingHoldRuns: Bool) async throws(JournalError)

    /// Deletes the oldest rows that ended before `cutoff`, and records that it did.
    @discardableResult
    func prune(before cutoff: Date, reason: String, at now: Date) async throws(JournalError) -> PruneResult

    /// Records each policy version not recorded yet.
    func recordPolicyVersions(_ versions: [PolicyVersionRecord], at: Date) async throws(JournalError)

    func recordPause(endpoint: String, paused: Bool, at time: Date) async throws(JournalError)

    /// Endpoints whose latest pause record says paused.
    func pausedEndpoints() async throws(JournalError) -> Set<String>

    /// Appends a lifecycle event to the events' own chain.
    @discardableResult
    func record(_ event: DaemonEvent) async throws(JournalError) -> DaemonEvent

    /// How `instance`'s run before this one ended (nil: the one instance of a journal of its
    /// own); nil in a journal with no runs and no decisions. In a journal a group shares, the
    /// decision rows are the group's: an instance's run ends with its own last event.
    func previousRun(instance: String?) async throws(JournalError) -> PreviousRun?

    /// Several instances write to it, and read what the others wrote: a standby journals none
    /// of its own decisions, and a new leader carries on from the states the last one saved.
    var isShared: Bool { get }

    /// Every endpoint's saved state; one that cannot be read is left out (it starts afresh).
    func endpointStates() async throws(JournalError) -> [EndpointState]

    func recordPoolEvent(_ record: PoolEventRecord) async throws(JournalError)

    /// Pool events since `start`, oldest first: what a restarted daemon replays.
    func poolEvents(since start: Date) async throws(JournalError) -> [PoolEventRecord]

    /// At a stop, after the last write: leaves the journal whole where it is kept.
    func close() async throws(JournalError)
}

extension JournalStore {
    public func append(_ entries: [JournalEntry], states: [EndpointState] = []) async throws(JournalError) {
        try await append(entries, states: states, completingHoldRuns: false)
    }

    public func append(_ entry: JournalEntry) async throws(JournalError) {
        try await append([entry], states: [], completingHoldRuns: false)
    }

    public func previousRun() async throws(JournalError) -> PreviousRun? {
        try await previousRun(instance: nil)
    }

    public func recordPolicyVersion(_ version: String, endpoint: String, configJSON: String, at: Date) async throws(JournalError) {
        try await recordPolicyVersions([PolicyVersionRecord(version: version, endpoint: endpoint, configJSON: configJSON)], at: at)
    }
}
