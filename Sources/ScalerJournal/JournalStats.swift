import Foundation
import GRDB

/// One endpoint over a time range, from its journal rows: what `scalerd journal stats` prints.
public struct EndpointStats: Sendable, Codable, Hashable {
    public var endpoint: String
    public var from: Date
    public var to: Date
    /// Evaluations, counting each repeat of a hold run.
    public var evaluations: Int
    public var scaleUps: Int
    public var scaleDowns: Int
    /// Seconds the endpoint spent at each replica count scalerd decided, keyed by the count.
    public var secondsAtReplicas: [Int: Double]
    /// The decided replica count integrated over time.
    public var workerSeconds: Double
    /// Seconds of the range in which no daemon was deciding (stopped, or ended without a stop):
    /// no replicas are counted as decided in them.
    public var notRunning: Double
    /// Provider failures by kind, and evaluations without usable metrics as `metrics_KIND` (the
    /// source's failure) or `metrics_STATUS` (`stale`, `invalid`).
    public var errors: [String: Int]

    /// Each endpoint's rows in `entries` (oldest first), clipped to `from...to`: a decision is
    /// in force from its time until the endpoint's next one, but never across a stretch in which
    /// no daemon was deciding.
    public static func compute(_ entries: [JournalEntry], from: Date?, to: Date, controlled: ControlledTime = .always) -> [EndpointStats] {
        var accumulator = Accumulator(from: from, to: to, controlled: controlled)
        let byEndpoint = Dictionary(grouping: entries, by: \.endpoint)
        for name in byEndpoint.keys.sorted() {
            for row in byEndpoint[name, default: []].sorted(by: { ($0.at, $0.id ?? 0) < ($1.at, $1.id ?? 0) }) {
                accumulator.add(row)
            }
        }
        return accumulator.finish()
    }

    /// Stats built one row at a time, from rows grouped by endpoint and oldest first within
    /// each: only the row before is kept, so a journal of any size takes the same memory.
    public struct Accumulator {
        let from: Date?
        let to: Date
        let controlled: ControlledTime
        private var current: (stats: EndpointStats, pending: JournalEntry)?
        private var finished: [EndpointStats] = []

        public init(from: Date?, to: Date, controlled: ControlledTime = .always) {
            self.from = from
            self.to = to
            self.controlled = controlled
        }

        /// The endpoint whose rows are being added, if any.
        public var endpoint: String? { current?.stats.endpoint }

        public mutating func add(_ row: JournalEntry) {
            if let (counted, pending) = current, pending.endpoint == row.endpoint {
                var stats = counted
                count(pending, inForceUntil: row.at, into: &stats)
                current = (stats, row)
                return
            }
            closeEndpoint()
            let start = from ?? row.at
            let stats = EndpointStats(endpoint: row.endpoint, from: start, to: to, evaluations: 0, scaleUps: 0, scaleDowns: 0,
                                      secondsAtReplicas: [:], workerSeconds: 0, notRunning: controlled.uncontrolled(from: start, to: to), errors: [:])
            current = (stats, row)
        }

        public mutating func finish() -> [EndpointStats] {
            closeEndpoint()
            return finished
        }

        private mutating func closeEndpoint() {
            guard let (counted, pending) = current else { return }
            var stats = counted
            count(pending, inForceUntil: to, into: &stats)
            finished.append(stats)
            current = nil
        }

        private func count(_ row: JournalEntry, inForceUntil: Date, into stats: inout EndpointStats) {
            let start = stats.from
            // A decision is in force only while a daemon was deciding.
            let seconds = controlled.controlled(from: max(row.at, start), to: min(inForceUntil, to))
                .reduce(0) { $0 + $1.to.timeIntervalSince($1.from) }
            if seconds > 0 {
                stats.secondsAtReplicas[row.desired, default: 0] += seconds
                stats.workerSeconds += Double(row.desired) * seconds
            }
            guard row.lastAt >= start, row.at <= to else { return }
            stats.evaluations += row.repeats
            if row.action == .scaleUp { stats.scaleUps += 1 }
            if row.action == .scaleDown { stats.scaleDowns += 1 }
            if let kind = row.errorKind { stats.errors[kind.rawValue, default: 0] += row.repeats }
            if row.metricStatus != .fresh {
                stats.errors["metrics_\(row.metricErrorKind?.rawValue ?? row.metricStatus.rawValue)", default: 0] += row.repeats
            }
        }
    }
}

extension JournalReader {
    /// Read in one pass, each endpoint's row in force at `from` looked up as its rows begin.
    public func stats(endpoint: String?, from: Date, to: Date, controlled: ControlledTime) throws(JournalError) -> [EndpointStats] {
        var accumulator = EndpointStats.Accumulator(from: from, to: to, controlled: controlled)
        do {
            try read { db in
                let before = try db.cachedStatement(sql: "SELECT * FROM decision WHERE endpoint = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1")
                var request = JournalEntry.filter(Column("last_at") >= from.timeIntervalSince1970).filter(Column("at") <= to.timeIntervalSince1970)
                if let endpoint { request = request.filter(Column("endpoint") == endpoint) }
                let rows = try request.order(Column("endpoint"), Column("at"), Column("id")).fetchCursor(db)
                while let row = try rows.next() {
                    if accumulator.endpoint != row.endpoint,
                       let earlier = try JournalEntry.fetchOne(before, arguments: [row.endpoint, from.timeIntervalSince1970]),
                       earlier.id != row.id, (earlier.at, earlier.id ?? 0) < (row.at, row.id ?? 0) {
                        accumulator.add(earlier)
                    }
                    accumulator.add(row)
                }
            }
        } catch {
            throw JournalError(path: path, action: "read stats", underlying: error)
        }
        return accumulator.finish()
    }
}
