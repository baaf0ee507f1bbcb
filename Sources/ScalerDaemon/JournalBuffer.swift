import Foundation
import ScalerJournal

/// What a journal that cannot be written owes: the rows waiting for it, bounded, with runs of
/// identical holds kept as one; and, once that bound is reached, the count of evaluations that
/// could be neither written nor kept, per endpoint, which become gap rows when the journal takes
/// writes again. While it is full the controller acts on nothing, so that no push is ever made
/// without a record of it.
struct JournalBuffer {
    /// Evaluations of one endpoint that were dropped, and over which span.
    struct Lost {
        var since: Date
        var until: Date
        var evaluations: Int
        var template: JournalEntry
    }

    let capacity: Int
    private(set) var pending: [JournalEntry] = []
    /// Where each endpoint's newest waiting row is in `pending`: a tick of 10,000 endpoints must
    /// not search the rows once per endpoint.
    private var newestPending: [String: Int] = [:]
    private(set) var lost: [String: Lost] = [:]
    /// When writes started failing, and the latest reason.
    private(set) var failingSince: Date?
    private(set) var lastError: String?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// No room left: decisions go on, but nothing is acted on until the journal takes writes.
    var isFull: Bool { pending.count >= capacity }
    var isEmpty: Bool { pending.isEmpty && lost.isEmpty }
    var lostEvaluations: Int { lost.values.reduce(0) { $0 + $1.evaluations } }

    /// Keeps `rows`: a hold that repeats an endpoint's last waiting row extends it; past the
    /// capacity a row is counted as lost instead.
    mutating func keep(_ rows: [JournalEntry]) {
        for row in rows {
            if let index = newestPending[row.endpoint], let run = pending[index].absorbing(row) {
                pending[index] = run
            } else if pending.count < capacity {
                newestPending[row.endpoint] = pending.count
                pending.append(row)
            } else {
                var gap = lost[row.endpoint] ?? Lost(since: row.at, until: row.at, evaluations: 0, template: row)
                gap.until = max(gap.until, row.lastAt)
                gap.evaluations += row.repeats
                lost[row.endpoint] = gap
            }
        }
    }

    /// The rows to write now: every waiting one, then a gap row for each endpoint that lost some.
    func rowsToWrite() -> [JournalEntry] {
        let since = failingSince.map(JournalFormatter.timestamp) ?? "?"
        return pending + lost.keys.sorted().compactMap { endpoint in
            guard let gap = lost[endpoint] else { return nil }
            let reason = "journal unavailable since \(since): \(gap.evaluations) evaluation(s) from \(JournalFormatter.timestamp(gap.since)) to \(JournalFormatter.timestamp(gap.until)) could not be recorded; nothing was acted on meanwhile"
            return JournalEntry.gap(
                endpoint: endpoint, provider: gap.template.provider, mode: gap.template.mode, policyVersion: gap.template.policyVersion,
                replicas: gap.template.currentReplicas, since: gap.since, until: gap.until, evaluations: gap.evaluations, reason: reason
            )
        }
    }

    /// Removes the waiting rows `matching` says, and says how many and how many evaluations.
    mutating func discard(where matching: (JournalEntry) -> Bool) -> (rows: Int, evaluations: Int) {
        let dropped = pending.filter(matching)
        pending.removeAll(where: matching)
        newestPending = Dictionary(pending.enumerated().map { ($1.endpoint, $0) }) { _, newer in newer }
        return (dropped.count, dropped.reduce(0) { $0 + $1.repeats })
    }

    mutating func failed(_ error: String, at time: Date) {
        failingSince = failingSince ?? time
        lastError = error
    }

    mutating func written() {
        pending = []
        newestPending = [:]
        lost = [:]
        failingSince = nil
        lastError = nil
    }
}
