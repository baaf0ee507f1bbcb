import Foundation
import ScalerCore

/// Arrivals rebuilt from a journal's observations, for `tune --journal`: the journal keeps what
/// the metric source saw each tick (queued, in flight), not the requests themselves.
///
/// Between two usable samples the requests that arrived are the change in queued + in flight plus
/// those that finished, and those that finished are, by Little's law, the in-flight requests
/// (their mean over the interval) times the interval over one service time. A coalesced run of
/// holds saw steady inputs: its arrivals are the completions alone. Each interval's arrivals are
/// placed at seeded random instants within it, so the rebuild is repeatable.
public struct JournalArrivals: Sendable {
    /// What the rebuild could and could not know, to print beside the result.
    public struct Account: Sendable, Hashable {
        public var observations: Int
        public var arrivals: Int
        public var span: Double
        public var serviceTime: Double
        /// Seconds with no usable sample on either side (missing metrics, the daemon stopped):
        /// no arrivals are rebuilt in them.
        public var unknownSeconds: Double
        /// Seconds of hold runs whose inputs varied, rebuilt from their highest inputs.
        public var approximateSeconds: Double

        public var description: String {
            var lines = [
                "rebuilt \(arrivals) arrivals over \(DurationText.compact(span.rounded())) from \(observations) journalled observations:",
                "  each interval's arrivals = the change in queued + in flight, plus the in-flight requests times the interval over one service time (\(DurationText.compact(serviceTime)), from --service-time), placed at seeded random instants",
            ]
            if unknownSeconds > 0 {
                lines.append("  \(DurationText.compact(unknownSeconds.rounded())) without a usable sample (missing or stale metrics, daemon stopped): no arrivals rebuilt there")
            }
            if approximateSeconds > 0 {
                lines.append("  \(DurationText.compact(approximateSeconds.rounded())) of hold runs whose inputs varied were rebuilt from their highest inputs")
            }
            lines.append("  not known: each request's size (every one takes the service time), arrivals finer than the tick, requests the metric source did not count")
            return lines.joined(separator: "\n")
        }
    }

    public let trace: Trace
    public let account: Account

    /// Intervals longer than this between samples are gaps, not steady load.
    public static let longestInterval: Double = 300
    /// Rebuilt requests are held in memory whole: past this the journal's counts (or a tiny
    /// service time) imply more than any run here should hold.
    public static let mostArrivals = 20_000_000

    /// The journal implies more arrivals than `mostArrivals`.
    public struct TooManyArrivals: Error, CustomStringConvertible {
        public var at: Date
        public var description: String {
            "the observations imply more than \(JournalArrivals.mostArrivals) arrivals by \(at): give a shorter --since or a longer --service-time"
        }
    }

    public init(steps: [ReplayStep], serviceTime: Double, seed: UInt64, name: String) throws(TooManyArrivals) {
        var random = SplitMix64(seed: seed)
        var requests: [TraceRequest] = []
        let origin = steps.first?.at ?? Date(timeIntervalSinceReferenceDate: 0)
        var previous: (at: Date, load: Double, inFlight: Double)?
        var carry = 0.0
        var unknown = 0.0
        var unknownSince: Date?
        var approximate = 0.0

        func place(_ count: Double, from start: Date, to end: Date) throws(TooManyArrivals) {
            let wanted = count + carry
            // Checked before converting: a hostile count (or a service time near zero) must
            // neither trap nor exhaust memory.
            guard wanted.isFinite, wanted < Double(Self.mostArrivals - requests.count) else { throw TooManyArrivals(at: end) }
            let whole = max(0, Int(wanted.rounded(.down)))
            carry = wanted - Double(whole)
            let from = start.timeIntervalSince(origin)
            let length = end.timeIntervalSince(start)
            let instants = (0..<whole).map { _ in from + random.unit() * length }.sorted()
            requests += instants.map { TraceRequest(arrival: $0, serviceTime: serviceTime) }
        }

        for step in steps {
            guard case .sample(let sample) = step.metrics, sample.inFlight != nil || sample.queued != nil else {
                unknownSince = unknownSince ?? previous?.at ?? step.at
                previous = nil
                continue
            }
            if let since = unknownSince {
                unknown += max(0, step.at.timeIntervalSince(since))
                unknownSince = nil
            }
            let inFlight = Double(sample.inFlight ?? 0)
            let load = inFlight + Double(sample.queued ?? 0)
            if let before = previous, step.resumesAfter == nil, case let interval = step.at.timeIntervalSince(before.at),
               interval > 0, interval <= Self.longestInterval {
                let finished = (before.inFlight + inFlight) / 2 * interval / serviceTime
                try place(max(0, load - before.load + finished), from: before.at, to: step.at)
            } else if let before = previous {
                unknown += max(0, step.at.timeIntervalSince(before.at))
            }
            let held = step.lastAt.timeIntervalSince(step.at)
            if step.repeats > 1, held > 0 {
                try place(inFlight * held / serviceTime, from: step.at, to: step.lastAt)
                if step.inputsApproximate { approximate += held }
            }
            previous = (step.lastAt, load, inFlight)
        }
        let span = (steps.last?.lastAt).map { $0.timeIntervalSince(origin) } ?? 0
        trace = Trace(name: name, requests: requests.sorted { $0.arrival < $1.arrival })
        account = Account(
            observations: steps.reduce(0) { $0 + $1.repeats }, arrivals: requests.count, span: span, serviceTime: serviceTime,
            unknownSeconds: unknown, approximateSeconds: approximate
        )
    }
}
