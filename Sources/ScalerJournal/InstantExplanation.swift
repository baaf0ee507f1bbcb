import Foundation
import ScalerCore

/// `scalerd journal explain --at TIME`: what was in force at an instant, or that nobody was
/// deciding then and what the provider had been left with.
public enum InstantExplanation {
    public static func text(at instant: Date, inForce: [JournalEntry], gap: ControlledTime.Gap?, events: [DaemonEvent], endpoint: String?) -> String {
        let when = JournalFormatter.timestamp(instant)
        guard let gap else {
            guard !inForce.isEmpty else {
                return "At \(when) no decision \(endpoint.map { "for \($0) " } ?? "")had been journalled yet."
            }
            return inForce.map { entry in
                "At \(when), \(entry.endpoint) was under decision #\(entry.id.map(String.init) ?? "?"):\n" + JournalExplanation.text(entry)
            }.joined(separator: "\n\n")
        }
        if case .standby(let reason) = gap.cause {
            // This instance decided, but another pushed: its rows say what it would have done.
            let until = gap.until.map { "until it led again at \(JournalFormatter.timestamp($0))" } ?? "and has not led since"
            return "At \(when) this instance was standing by since \(JournalFormatter.timestamp(gap.from)) (\(reason)), \(until): "
                + "none of its decisions was pushed; the leader's journal says what was in force."
        }
        var lines = ["At \(when) nobody was deciding: \(stretch(gap, events: events))."]
        let handBack = events.first { $0.event == .stop && $0.at == gap.from }.flatMap { DaemonEvent.StopDetail(detail: $0.detail) }
        for entry in inForce {
            var line = "\(entry.endpoint): the last decision before was #\(entry.id.map(String.init) ?? "?") at \(JournalFormatter.timestamp(entry.lastAt)), \(entry.desired) replica(s)"
            if let record = handBack?.endpoints.first(where: { $0.endpoint == entry.endpoint }) {
                line += "; at the stop: \(leftWith(record))"
            } else if case .stopped = gap.cause {
                line += "; the stop did not record it (configured after it, or the record predates hand-backs)"
            } else {
                line += "; the provider kept the floor last pushed, as far as the journal knows"
            }
            lines.append(line + ".")
        }
        lines.append("No decision is counted as in force in this stretch: `journal stats` reports it as not running.")
        return lines.joined(separator: "\n")
    }

    private static func stretch(_ gap: ControlledTime.Gap, events: [DaemonEvent]) -> String {
        let from = JournalFormatter.timestamp(gap.from)
        let until = gap.until.map { "until the next start at \(JournalFormatter.timestamp($0)) (\(DurationText.compact($0.timeIntervalSince(gap.from).rounded())))" }
            ?? "and has not started since"
        switch gap.cause {
        case .stopped(let reason): return "scalerd stopped at \(from) (\(reason)) \(until)"
        case .endedWithoutStop: return "the run ended without a stop; its last evaluation was at \(from), nothing is known after it, \(until)"
        case .silent: return "no decision was journalled after \(from): scalerd is not running, or is stuck"
        case .standby(let reason): return "this instance stood by from \(from) (\(reason))"
        }
    }

    private static func leftWith(_ record: HandBackRecord) -> String {
        switch record.action {
        case .held: return "on_stop: hold, the provider kept the floor last pushed"
        case .skipped: return "on_stop: release, but nothing was pushed (\(record.detail ?? "skipped"))"
        case .released:
            let floor = record.pushedMinReplicas ?? 0
            return record.outcome == .ok
                ? "on_stop: release, min_replicas \(floor) pushed and accepted: the provider's own scaler carries it"
                : "on_stop: release, min_replicas \(floor) pushed but the provider did not take it (\(record.errorKind?.rawValue ?? "error")): it kept the floor last pushed"
        }
    }
}
