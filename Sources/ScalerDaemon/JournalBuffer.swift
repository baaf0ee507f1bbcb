import Foundation
import ScalerCore
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
    /// Evaluations of a lease term this instance lost, which the journal its group shares
    /// refused because a later term had written: recorded as a gap row each, of no term.
    private(set) var refused: [String: Lost] = [:]
    /// When writes started failing, and the latest reason.
    private(set) var failingSince: Date?
    private(set) var lastError: String?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// No room left: decisions go on, but nothing is acted on until the journal takes writes.
    var isFull: Bool { pending.count >= capacity }
    var isEmpty: Bool { pending.isEmpty && lost.isEmpty && refused.isEmpty }
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
                Self.count(row, in: &lost)
            }
        }
    }

    private static func count(_ row: JournalEntry, in gaps: inout [String: Lost]) {
        var gap = gaps[row.endpoint] ?? Lost(since: row.at, until: row.at, evaluations: 0, template: row)
        gap.since = min(gap.since, row.at)
        gap.until = max(gap.until, row.lastAt)
        gap.evaluations += row.repeats
        gaps[row.endpoint] = gap
    }

    /// Takes the waiting rows `matching` says out, to be recorded as gap rows instead; says how
    /// many rows and evaluations.
    mutating func refuse(where matching: (JournalEntry) -> Bool) -> (rows: Int, evaluations: Int) {
        let taken = pending.filter(matching)
        for row in taken { Self.count(row, in: &refused) }
        pending.removeAll(where: matching)
        newestPending = Dictionary(pending.enumerated().map { ($1.endpoint, $0) }) { _, newer in newer }
        return (taken.count, taken.reduce(0) { $0 + $1.repeats })
    }

    /// The rows to write now: every waiting one, then a gap row for each endpoint that lost some.
    func rowsToWrite() -> [JournalEntry] {
        let since = failingSince.map(JournalFormatter.timestamp) ?? "?"
        return pending + Self.gapRows(lost, .journalUnavailable) { gap in
            "journal unavailable since \(since): \(gap.evaluations) evaluation(s) from \(JournalFormatter.timestamp(gap.since)) to \(JournalFormatter.timestamp(gap.until)) could not be recorded; nothing was acted on meanwhile"
        } + Self.gapRows(refused, .termLost) { gap in
            "\(gap.evaluations) evaluation(s) from \(JournalFormatter.timestamp(gap.since)) to \(JournalFormatter.timestamp(gap.until)), decided while this instance led in epoch \(gap.template.epoch.map(String.init) ?? "?"), could not be recorded: the shared journal took a later term's rows first; pushes among them are not in the record"
        }
    }

    private static func gapRows(_ gaps: [String: Lost], _ kind: FailureKind, reason: (Lost) -> String) -> [JournalEntry] {
        gaps.keys.sorted().compactMap { endpoint in
            guard let gap = gaps[endpoint] else { return nil }
            return JournalEntry.gap(
                kind, endpoint: endpoint, provider: gap.template.provider, mode: gap.template.mode, policyVersion: gap.template.policyVersion,
                replicas: gap.template.currentReplicas, since: gap.since, until: gap.until, evaluations: gap.evaluations, reason: reason(gap)
            )
        }
    }

    mutating func failed(_ error: String, at time: Date) {
        failingSince = failingSince ?? time
        lastError = error
    }

    mutating func written() {
        pending = []
        newestPending = [:]
        lost = [:]
        refused = [:]
        failingSince = nil
        lastError = nil
    }
}
