import Foundation
import ScalerJournal

/// One tick in a line, for systemd's `STATUS=` (what `systemctl status` shows).
struct TickSummary: Sendable {
    let endpoints: Int
    let scaledUp: Int
    let scaledDown: Int
    let failed: Int
    /// Set while the journal refuses writes for longer than its buffer lasts.
    let journalProblem: String?
    let at: Date

    init(entries: [JournalEntry], journalProblem: String? = nil, at time: Date) {
        self.journalProblem = journalProblem
        endpoints = entries.count
        var (up, down, failed) = (0, 0, 0)
        for entry in entries {
            if entry.action == .scaleUp { up += 1 }
            if entry.action == .scaleDown { down += 1 }
            if entry.errorKind != nil || entry.metricStatus != .fresh { failed += 1 }
        }
        (scaledUp, scaledDown, self.failed) = (up, down, failed)
        at = time
    }

    var status: String {
        (journalProblem.map { "NOT ACTING: \($0). " } ?? "") + "last tick \(JournalFormatter.timestamp(at)): \(endpoints) endpoint(s), \(scaledUp) scaled up, \(scaledDown) scaled down, \(failed) with metric or provider errors"
    }
}
