import Foundation

/// One endpoint's workers and requests, advanced in fixed steps so that a run is reproducible.
/// Workers start cold when replicas are raised; released workers finish what they are serving.
public struct ClusterModel: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var coldStart: Double
        public var meanServiceTime: Double
        public var concurrencyPerWorker: Int
        public var step: Double

        public init(coldStart: Double, meanServiceTime: Double, concurrencyPerWorker: Int = 1, step: Double = 0.1) {
            self.coldStart = coldStart
            self.meanServiceTime = meanServiceTime
            self.concurrencyPerWorker = concurrencyPerWorker
            self.step = step
        }
    }

    struct Worker: Sendable {
        var readyAt: Double
        /// When each request it serves is done, in the model's seconds.
        var serving: [Double] = []
        var draining = false
    }

    public struct Snapshot: Sendable, Hashable {
        public var time: Double
        public var replicas: Int
        public var readyWorkers: Int
        public var queued: Int
        public var inFlight: Int
        /// How long the oldest waiting request has waited.
        public var queueDelay: Double
        public var completed: Int
    }

    public let parameters: Parameters
    public private(set) var time: Double = 0
    public private(set) var replicas = 0
    public private(set) var completed = 0
    private var workers: [Worker] = []
    /// Arrival times of requests, oldest first; those before `queueHead` are already served.
    private var queue: [Double] = []
    private var queueHead = 0
    /// The earliest end of any request being served: steps before it complete nothing.
    private var nextCompletion = Double.infinity
    private var random: SplitMix64

    public init(parameters: Parameters, seed: UInt64) {
        self.parameters = parameters
        random = SplitMix64(seed: seed)
    }

    /// Sets the replica count the provider should run, as a `workersMin` push would.
    public mutating func setReplicas(_ count: Int) {
        replicas = max(0, count)
        var active = workers.filter { !$0.draining }.count
        while active < replicas {
            workers.append(Worker(readyAt: time + parameters.coldStart))
            active += 1
        }
        // Release cold and idle workers before busy ones; busy ones drain rather than drop work.
        while active > replicas {
            let victim = workers.lastIndex { !$0.draining && ($0.readyAt > time || $0.serving.isEmpty) }
                ?? workers.lastIndex { !$0.draining }!
            if workers[victim].serving.isEmpty {
                workers.remove(at: victim)
            } else {
                workers[victim].draining = true
            }
            active -= 1
        }
    }

    /// Advances to `target` seconds, with arrivals drawn from `rate` (requests per second at a time).
    public mutating func advance(to target: Double, rate: (Double) -> Double) {
        while time + parameters.step <= target + 1e-9 {
            time += parameters.step
            let arrivals = random.poisson(mean: rate(time) * parameters.step)
            queue.append(contentsOf: repeatElement(time, count: arrivals))
            serve()
        }
    }

    /// In place, by end times, and only what a step changes: at thousands of endpoints stepped
    /// ten times a second, a new array per worker per step, then a countdown of every request
    /// per step, were most of the demo cloud's cost.
    private mutating func serve() {
        if time + 1e-9 >= nextCompletion { complete() }
        guard queueHead < queue.count else { return }
        for index in workers.indices where !workers[index].draining && workers[index].readyAt <= time {
            while workers[index].serving.count < parameters.concurrencyPerWorker, queueHead < queue.count {
                queueHead += 1
                let done = time + parameters.meanServiceTime * (0.5 + random.unit())
                workers[index].serving.append(done)
                nextCompletion = min(nextCompletion, done)
            }
        }
        // Served arrivals are dropped in bulk, not one by one from the front.
        if queueHead > 0, queueHead * 2 >= queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    /// Ends the requests done by now, and the draining workers that then have nothing left.
    private mutating func complete() {
        nextCompletion = .infinity
        for index in workers.indices where !workers[index].serving.isEmpty {
            let before = workers[index].serving.count
            workers[index].serving.removeAll { $0 <= time + 1e-9 }
            completed += before - workers[index].serving.count
            nextCompletion = workers[index].serving.reduce(nextCompletion, min)
        }
        workers.removeAll { $0.draining && $0.serving.isEmpty }
    }

    public var snapshot: Snapshot {
        Snapshot(
            time: time,
            replicas: replicas,
            readyWorkers: workers.reduce(0) { $0 + (!$1.draining && $1.readyAt <= time ? 1 : 0) },
            queued: queue.count - queueHead,
            inFlight: workers.reduce(0) { $0 + $1.serving.count },
            queueDelay: queueHead < queue.count ? time - queue[queueHead] : 0,
            completed: completed
        )
    }
}
