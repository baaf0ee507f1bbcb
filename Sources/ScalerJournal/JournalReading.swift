import Foundation

/// Read-only access for the CLI, `replay`, `tune` and auditors, whichever backend keeps the
/// journal: each answer is the same for the same rows.
public protocol JournalReading: Sendable {
    /// Where the journal is, as errors name it: a file's path, or a URL without a password.
    var location: String { get }

    /// Matching rows, oldest first; a run of holds matches if any part of it is in the window.
    func entries(_ query: JournalQuery) async throws(JournalError) -> [JournalEntry]

    /// Matching rows, oldest first, one at a time: memory stays flat however many match. With
    /// `byEndpoint`, each endpoint's rows together (endpoints in name order), as stats wants them.
    func forEachEntry(_ query: JournalQuery, byEndpoint: Bool, _ body: (JournalEntry) throws -> Void) async throws(JournalError)

    /// The row with this id, or `nil` if there is none.
    func entry(id: Int64) async throws(JournalError) -> JournalEntry?

    func count() async throws(JournalError) -> Int

    /// Walks the hash chain from the oldest row (or the last prune) to the newest, then the
    /// daemon events' chain.
    func verify() async throws(JournalError) -> ChainVerification

    /// Every daemon start, reload, stop, unclean end and leadership change, oldest first.
    func daemonEvents() async throws(JournalError) -> [DaemonEvent]

    /// When the newest evaluation was made (the end of the newest hold run), nil with no rows.
    func newestEvaluation() async throws(JournalError) -> Date?

    /// Each endpoint's decision in force at `instant` (its newest row made by then), or only
    /// `endpoint`'s.
    func decisionsInForce(at instant: Date, endpoint: String?) async throws(JournalError) -> [JournalEntry]

    /// `scalerd journal stats`: every endpoint's (or one's) stats over `from...to`, with each
    /// endpoint's decision in force at `from` counted from there.
    func stats(endpoint: String?, from: Date, to: Date, controlled: ControlledTime) async throws(JournalError) -> [EndpointStats]

    /// Lets go of the journal: a connection closed. The reader is not used after.
    func close() async
}

extension JournalReading {
    /// `body` with this reader, closed after whatever `body` does.
    public func closing<T>(_ body: (Self) async throws -> T) async throws -> T {
        do {
            let value = try await body(self)
            await close()
            return value
        } catch {
            await close()
            throw error
        }
    }

    /// When nobody was deciding, as of `now`: for `endpoint`, when nobody led its shard.
    public func controlledTime(now: Date, endpoint: String? = nil) async throws(JournalError) -> ControlledTime {
        let events = try await daemonEvents()
        guard !events.isEmpty else { return .always }
        return ControlledTime(events: events, lastEvaluation: try await newestEvaluation(), now: now, endpoint: endpoint)
    }

    public func forEachEntry(_ query: JournalQuery, _ body: (JournalEntry) throws -> Void) async throws(JournalError) {
        try await forEachEntry(query, byEndpoint: false, body)
    }

    public func decisionsInForce(at instant: Date) async throws(JournalError) -> [JournalEntry] {
        try await decisionsInForce(at: instant, endpoint: nil)
    }
}
