import Foundation
import Logging

/// Provider and metric failures at warning level, without a line per endpoint per tick: the
/// first failure of a kind is logged at once, repeats are counted and summarised once a minute,
/// and the recovery is logged with what it ended. Owned by the control loop.
struct FailureLog {
    struct Key: Hashable {
        let endpoint: String
        /// `provider`, `metrics` or `push`.
        let source: String
        let kind: String
    }

    private struct Run {
        var since: Date
        var lastLogged: Date
        var unlogged: Int
        var total: Int
    }

    let interval: TimeInterval
    private var runs: [Key: Run] = [:]

    init(interval: TimeInterval = 60) {
        self.interval = interval
    }

    /// This tick's failures, each with its message; logs what is new, due or over.
    mutating func record(_ failures: [Key: String], at now: Date, to logger: Logger) {
        for (key, message) in failures.sorted(by: { ($0.key.endpoint, $0.key.source) < ($1.key.endpoint, $1.key.source) }) {
            let metadata: Logger.Metadata = ["endpoint": "\(key.endpoint)", "source": "\(key.source)", "kind": "\(key.kind)"]
            guard var run = runs[key] else {
                runs[key] = Run(since: now, lastLogged: now, unlogged: 0, total: 1)
                logger.warning("\(key.source) failure: \(key.kind): \(message)", metadata: metadata)
                continue
            }
            run.total += 1
            run.unlogged += 1
            if now.timeIntervalSince(run.lastLogged) >= interval {
                logger.warning("\(key.source) still failing: \(key.kind) \(run.unlogged) more time(s) since the last report, \(run.total) in all since \(Self.format(run.since)): \(message)", metadata: metadata)
                run.lastLogged = now
                run.unlogged = 0
            }
            runs[key] = run
        }
        for (key, run) in runs where failures[key] == nil {
            runs[key] = nil
            logger.notice("\(key.source) recovered: \(key.kind) ended after \(run.total) failure(s) since \(Self.format(run.since))",
                          metadata: ["endpoint": "\(key.endpoint)", "source": "\(key.source)", "kind": "\(key.kind)"])
        }
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
