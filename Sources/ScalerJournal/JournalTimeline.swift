import Foundation
import ScalerCore

/// The journal's decisions in time order with the daemon's life between them: its starts,
/// reloads and stops, and the stretches in which nobody was deciding. What `journal list` shows,
/// so that a row is never read as in force across a stop.
public enum TimelineLine: Sendable, Hashable {
    case decision(JournalEntry)
    case event(DaemonEvent)
    case notControlled(ControlledTime.Gap)

    public var at: Date {
        switch self {
        case .decision(let entry): entry.at
        case .event(let event): event.at
        case .notControlled(let gap): gap.from
        }
    }

    /// At one instant: the tick's decisions, then the event (a stop after its last tick), then
    /// the gap it opens.
    private var rank: Int {
        switch self {
        case .decision: 0
        case .event: 1
        case .notControlled: 2
        }
    }

    /// `entries` with the events and gaps of `from...to` between them (from the first entry
    /// when `from` is nil), in time order.
    public static func merge(_ entries: [JournalEntry], events: [DaemonEvent], controlled: ControlledTime, from: Date?, to: Date) -> [TimelineLine] {
        let start = from ?? entries.first?.at ?? .distantPast
        let inRange = { (date: Date) in date >= start && date <= to }
        let lines = entries.map(TimelineLine.decision)
            + events.filter { inRange($0.at) }.map(TimelineLine.event)
            + controlled.gaps.filter { inRange($0.from) }.map(TimelineLine.notControlled)
        return lines.enumerated()
            .sorted { ($0.element.at, $0.element.rank, $0.offset) < ($1.element.at, $1.element.rank, $1.offset) }
            .map(\.element)
    }

    /// The line's text for the table's last column, when it is not a decision.
    var lifecycleText: (label: String, text: String)? {
        switch self {
        case .decision:
            return nil
        case .event(let event):
            var text = "\(event.reason) (pid \(event.pid), scalerd \(event.version), config \(event.configVersion.prefix(12)))"
            if event.event == .stop, let stop = DaemonEvent.StopDetail(detail: event.detail), !stop.endpoints.isEmpty {
                text += "; on stop: " + stop.endpoints.map(\.summary).joined(separator: ", ")
            }
            return ("daemon \(event.event.rawValue)", text)
        case .notControlled(let gap):
            let until = gap.until.map { "until \(JournalFormatter.timestamp($0)), \(DurationText.compact($0.timeIntervalSince(gap.from).rounded()))" } ?? "up to now"
            if case .standby = gap.cause { return ("not controlled", "by this instance (\(until)): \(gap.cause)") }
            return ("not controlled", "nobody decided (\(until)): \(gap.cause)")
        }
    }
}
