import Foundation

/// Measures an endpoint's cold starts as the provider shows them: from the decision that asked
/// for more workers to the sample in which the ready count has risen to include them.
public struct ColdStartTracker: Sendable, Hashable, Codable {
    /// Workers one decision asked for that are not ready yet.
    public struct PendingStart: Sendable, Hashable, Codable {
        public var askedAt: Date
        public var workers: Int
    }

    /// Oldest first: providers bring workers up in the order they were asked for.
    public private(set) var pending: [PendingStart] = []
    /// The latest measured cold starts in seconds, oldest first.
    public private(set) var measured: [Double] = []
    /// The latest stretch of time during which asked-for workers were starting; `startingUntil`
    /// is `nil` while it lasts.
    public private(set) var startingSince: Date?
    public private(set) var startingUntil: Date?
    private var lastReady: Int?

    static let remembered = 16

    public init() {}

    /// The median of the measured cold starts; `nil` before the first is measured.
    public var estimate: Double? { QueueModel.median(measured) }

    public var startingWorkers: Int { pending.reduce(0) { $0 + $1.workers } }

    /// Takes the ready count of a fresh sample: each newly ready worker ends the oldest pending start.
    mutating func observe(ready: Int?, at now: Date) {
        guard let ready else { return }
        defer { lastReady = ready }
        guard let last = lastReady, ready > last else { return }
        var arrived = ready - last
        while arrived > 0, !pending.isEmpty {
            let taken = min(arrived, pending[0].workers)
            measured.append(contentsOf: repeatElement(now.timeIntervalSince(pending[0].askedAt), count: taken))
            pending[0].workers -= taken
            arrived -= taken
            if pending[0].workers == 0 { pending.removeFirst() }
        }
        measured = Array(measured.suffix(Self.remembered))
        endStretchIfDone(at: now)
    }

    /// Takes the count a decision asked for: workers beyond those ready or starting are new
    /// starts; fewer cancel the newest starts, since providers release cold workers first.
    mutating func asked(_ desired: Int, at now: Date) {
        guard let ready = lastReady else { return }
        var missing = desired - ready - startingWorkers
        if missing > 0 {
            if pending.isEmpty {
                startingSince = now
                startingUntil = nil
            }
            pending.append(PendingStart(askedAt: now, workers: missing))
        }
        while missing < 0, let newest = pending.last {
            let cancelled = min(-missing, newest.workers)
            pending[pending.count - 1].workers -= cancelled
            missing += cancelled
            if pending[pending.count - 1].workers == 0 { pending.removeLast() }
        }
        endStretchIfDone(at: now)
    }

    private mutating func endStretchIfDone(at now: Date) {
        if pending.isEmpty, startingSince != nil, startingUntil == nil {
            startingUntil = now
        }
    }
}
