import Foundation
import ScalerCore
import Synchronization

/// scalerd's decisions during a simulated run, with what it saw: the answer to "why did the
/// policy do that?" before it runs anywhere real.
public final class DecisionLog: Sendable {
    public struct Entry: Sendable, Hashable, Codable {
        /// Seconds since the trace began.
        public var time: Double
        public var currentReplicas: Int
        public var readyWorkers: Int
        public var queued: Int
        public var inFlight: Int
        public var queueDelay: Double
        public var rawRecommendation: Int?
        public var desiredReplicas: Int
        public var clamps: [String]
        public var reason: String
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    public var all: [Entry] { entries.withLock { $0 } }

    func record(_ decision: Decision, seen view: ClusterView) {
        let entry = Entry(
            time: view.time, currentReplicas: view.replicas, readyWorkers: view.readyWorkers, queued: view.queued,
            inFlight: view.inFlight, queueDelay: view.oldestWait, rawRecommendation: decision.rawRecommendation,
            desiredReplicas: decision.desiredReplicas, clamps: decision.clamps.map(\.kind.rawValue), reason: decision.reason
        )
        entries.withLock { $0.append(entry) }
    }

    /// One JSON object per decision, snake_case keys, as `journal` exports read.
    public func jsonLines() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return try all.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }
}
