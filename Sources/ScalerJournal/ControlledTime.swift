import Foundation

/// When a daemon was deciding and when nobody was: from the lifecycle events, the spans between a
/// run's end (its stop, or its last evaluation when it ended without one) and the next start.
/// Readers use it so that nothing is extended across a stretch in which no decision was made.
public struct ControlledTime: Sendable, Hashable {
    /// A stretch in which nobody was deciding; `until` nil is up to now.
    public struct Gap: Sendable, Hashable, Codable {
        public var from: Date
        public var until: Date?
        public var cause: Cause

        public init(from: Date, until: Date?, cause: Cause) {
            self.from = from
            self.until = until
            self.cause = cause
        }
    }

    /// Why nobody was deciding.
    public enum Cause: Sendable, Hashable, Codable, CustomStringConvertible {
        /// A graceful stop, with the reason it recorded.
        case stopped(reason: String)
        /// The run ended without a stop (a crash, `kill -9`, power loss), as the next start said.
        case endedWithoutStop
        /// The newest run has neither stopped nor decided for longer than three ticks: it is not
        /// running, or is stuck, and nothing has said so yet.
        case silent
        /// High availability: this instance decided but did not lead, so none of its decisions
        /// was pushed; the reason names who led, as the leadership event said.
        case standby(reason: String)

        public var description: String {
            switch self {
            case .stopped(let reason): "stopped (\(reason))"
            case .endedWithoutStop: "ended without a stop"
            case .silent: "no decision since (not running, or stopped without a record)"
            case .standby(let reason): "this instance stood by, its decisions not pushed (\(reason))"
            }
        }
    }

    public var gaps: [Gap]

    /// A journal with no lifecycle events (written before they existed) is read as controlled.
    public static let always = ControlledTime(gaps: [])

    public init(gaps: [Gap]) {
        self.gaps = gaps
    }

    /// From the events, oldest first; `lastEvaluation` is the journal's newest evaluation, which
    /// says whether the daemon of the newest start is still deciding at `now`. In a journal a
    /// group shares (events that name their instance), nobody decides only while no instance
    /// does: each instance's stretches are found from its own events, and the group's are those
    /// they all share. With `ha.shards`, an instance leads while it leads some shard; for one
    /// `endpoint`, only the changes of that endpoint's shard count, so that the stretch in which
    /// its shard had no leader shows while others' shards had one.
    public init(events: [DaemonEvent], lastEvaluation: Date?, now: Date, endpoint: String? = nil) {
        let events = endpoint.map { endpoint in
            events.filter { $0.event != .leadership || LeadershipDetail(detail: $0.detail)?.concerns(endpoint: endpoint) != false }
        } ?? events
        guard events.contains(where: { $0.instance != nil }), let first = events.first else {
            self.init(gaps: Self.gaps(of: events, lastEvaluation: lastEvaluation, now: now))
            return
        }
        let instances = Dictionary(grouping: events) { $0.instance ?? "" }
        let each = instances.keys.sorted().map { name -> [Gap] in
            let own = instances[name] ?? []
            // Before its first event an instance was not there to decide.
            let absent = own.first.map { Gap(from: .distantPast, until: $0.at, cause: .stopped(reason: "not started yet")) }
            return (absent.map { [$0] } ?? []) + Self.gaps(of: own, lastEvaluation: lastEvaluation, now: now)
        }
        let shared = each.dropFirst().reduce(each.first ?? []) { Self.common($0, $1) }
        // Before the group's first event the journal knows nothing, as a journal without events.
        self.init(gaps: shared.compactMap { gap in
            guard (gap.until ?? .distantFuture) > first.at else { return nil }
            var kept = gap
            kept.from = max(gap.from, first.at)
            return kept
        })
    }

    /// The stretches in both lists, each with the cause of the one that began last (the
    /// instance whose stop left nobody deciding).
    static func common(_ left: [Gap], _ right: [Gap]) -> [Gap] {
        var (i, j) = (0, 0)
        var result: [Gap] = []
        while i < left.count, j < right.count {
            let (a, b) = (left[i], right[j])
            let (endA, endB) = (a.until ?? .distantFuture, b.until ?? .distantFuture)
            let from = max(a.from, b.from)
            let until = min(endA, endB)
            if from < until {
                result.append(Gap(from: from, until: until == .distantFuture ? nil : until, cause: a.from >= b.from ? a.cause : b.cause))
            }
            if endA <= endB { i += 1 } else { j += 1 }
        }
        return result
    }

    /// One instance's stretches, from its events alone.
    private static func gaps(of events: [DaemonEvent], lastEvaluation: Date?, now: Date) -> [Gap] {
        var gaps: [Gap] = []
        var open: Gap?
        // The leases (one per shard with `ha.shards`) this instance leads: it stands by only
        // once it leads none.
        var leading: Set<String> = []
        func close(at instant: Date) {
            if var gap = open, instant > gap.from {
                gap.until = instant
                gaps.append(gap)
            }
            open = nil
        }
        for event in events {
            switch event.event {
            case .stop:
                leading = []
                close(at: event.at)
                open = Gap(from: event.at, until: nil, cause: .stopped(reason: event.reason))
            case .uncleanEnd:
                let lastKnown = DaemonEvent.UncleanEnd(detail: event.detail)?.lastEvaluation ?? event.at
                close(at: lastKnown)
                leading = []
                open = Gap(from: lastKnown, until: nil, cause: .endedWithoutStop)
            case .start:
                leading = []
                close(at: event.at)
            case .reload:
                break
            case .leadership:
                guard let detail = LeadershipDetail(detail: event.detail) else { break }
                if detail.change == .acquired {
                    leading.insert(detail.lease)
                    close(at: event.at)
                } else if detail.change.endsControl || detail.change == .released {
                    leading.remove(detail.lease)
                    // A shard let go for a newcomer leaves this instance standing by once it was
                    // the last; a release at a stop is followed by the stop itself.
                    let stoodBy = detail.change.endsControl || detail.shards != nil
                    if stoodBy, leading.isEmpty, open == nil {
                        open = Gap(from: event.at, until: nil, cause: .standby(reason: event.reason))
                    }
                }
            }
        }
        if let gap = open {
            gaps.append(gap)
        } else if let newest = events.last(where: { $0.event == .start }),
                  let tick = events.last(where: { $0.event == .start || $0.event == .reload })?.tick {
            // A run with no stop yet: live while its evaluations keep coming, at the tick in force.
            let last = max(lastEvaluation ?? newest.at, newest.at)
            if now.timeIntervalSince(last) > Self.silence(tick: tick) {
                gaps.append(Gap(from: last, until: nil, cause: .silent))
            }
        }
        return gaps
    }

    /// How long a run may go without an evaluation before a reader stops extending its last
    /// decision: three ticks (a slow tick, a journal write retried) and a little for the clock.
    public static func silence(tick: Double) -> TimeInterval {
        3 * tick + 5
    }

    /// The gap `instant` falls in, if nobody was deciding then.
    public func gap(at instant: Date) -> Gap? {
        gaps.first { $0.from <= instant && instant < ($0.until ?? .distantFuture) }
    }

    /// The first gap that begins in `after...before` (and so lies between two evaluations made
    /// at those instants), if nobody was deciding for a while between them.
    public func gap(between after: Date, and before: Date) -> Gap? {
        gaps.filter { $0.from >= after && $0.from < before }.min { $0.from < $1.from }
    }

    /// Seconds of `from...to` in which nobody was deciding.
    public func uncontrolled(from: Date, to: Date) -> TimeInterval {
        gaps.reduce(0) { total, gap in
            let start = max(gap.from, from), end = min(gap.until ?? to, to)
            return total + max(0, end.timeIntervalSince(start))
        }
    }

    /// `from...to` without the gaps: the stretches in which a decision was in force.
    public func controlled(from: Date, to: Date) -> [(from: Date, to: Date)] {
        var pieces: [(from: Date, to: Date)] = []
        var cursor = from
        for gap in gaps.sorted(by: { $0.from < $1.from }) where (gap.until ?? to) > cursor && gap.from < to {
            if gap.from > cursor { pieces.append((cursor, gap.from)) }
            cursor = max(cursor, gap.until ?? to)
        }
        if cursor < to { pieces.append((cursor, to)) }
        return pieces
    }
}
