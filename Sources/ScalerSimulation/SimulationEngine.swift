/// One simulated worker, from the moment it is requested until it is released.
struct SimulatedWorker {
    var readyAt: Double
    var ready = false
    var busy = 0
    var draining = false
    var released = false
    var idleSince: Double
}

/// The discrete-event core: arrivals from the trace, completions and worker readiness from a heap,
/// and the strategy's ticks. A class only so that `ClusterView` can answer queries during a tick;
/// each run owns its engine and never shares it.
final class SimulationEngine {
    let arrivals: [Double]
    let serviceTimes: [Double]
    let model: WorkerModel
    private var random: SplitMix64

    private(set) var now = 0.0
    private var workers: [SimulatedWorker] = []
    /// Unreleased workers in the order they were requested: dispatch fills the oldest first, so
    /// that the newest stay idle and are the ones released.
    private var active: [Int] = []
    private(set) var nonDraining = 0
    private var queue: [Int32] = []
    private var queueHead = 0
    private var events = EventHeap()
    private var mayHaveFreeSlot = false

    private(set) var inFlight = 0
    private(set) var concurrencyIntegral = 0.0
    private(set) var billedSeconds = 0.0
    private(set) var coldStarts = 0
    private(set) var peakReplicas = 0
    /// Seconds each request waited for a worker; negative until it starts.
    private(set) var waits: [Float]
    private(set) var timeline: TimelineRecorder

    init(trace: Trace, model: WorkerModel, seed: UInt64) {
        arrivals = trace.requests.map(\.arrival)
        serviceTimes = trace.requests.map(model.serviceTime(of:))
        self.model = model
        random = SplitMix64(seed: seed)
        waits = Array(repeating: -1, count: arrivals.count)
        timeline = TimelineRecorder(span: trace.span)
    }

    var queuedCount: Int { queue.count - queueHead }
    var oldestWait: Double { queuedCount > 0 ? now - arrivals[Int(queue[queueHead])] : 0 }
    var readyCount: Int { active.reduce(0) { $0 + (workers[$1].ready && !workers[$1].draining ? 1 : 0) } }
    var startingCount: Int { active.reduce(0) { $0 + (workers[$1].ready ? 0 : 1) } }
    var nextEventTime: Double? { events.first?.time }

    func advance(to time: Double) {
        let elapsed = time - now
        guard elapsed > 0 else { return }
        concurrencyIntegral += Double(inFlight + queuedCount) * elapsed
        billedSeconds += Double(active.count) * elapsed
        now = time
    }

    func arrive(_ request: Int) {
        timeline.noteArrival(at: now)
        queue.append(Int32(request))
        dispatch()
    }

    func processNextEvent() {
        guard let event = events.pop() else { return }
        advance(to: event.time)
        let index = Int(event.worker)
        switch event.kind {
        case .completion:
            inFlight -= 1
            workers[index].busy -= 1
            if workers[index].busy == 0 {
                if workers[index].draining {
                    release(index)
                } else {
                    workers[index].idleSince = now
                }
            }
            if !workers[index].draining { mayHaveFreeSlot = true }
        case .ready:
            guard !workers[index].released else { return }
            workers[index].ready = true
            workers[index].idleSince = now
            mayHaveFreeSlot = true
            noteTimeline()
        }
        dispatch()
    }

    /// Workers provisioned before the trace begins: already warm, so no cold start.
    func provisionWarm(_ count: Int) {
        for _ in 0..<max(0, count) {
            workers.append(SimulatedWorker(readyAt: now, ready: true, idleSince: now))
            active.append(workers.count - 1)
            nonDraining += 1
        }
        mayHaveFreeSlot = true
        peakReplicas = max(peakReplicas, nonDraining)
        noteTimeline()
    }

    /// Moves the worker count to `target`: warms drained workers back first, then starts new ones;
    /// downward it drops cold workers, then the longest idle, and lets busy ones drain.
    func setReplicas(_ target: Int) {
        var target = max(0, target)
        if target > nonDraining {
            for index in active where workers[index].draining && nonDraining < target {
                workers[index].draining = false
                nonDraining += 1
                mayHaveFreeSlot = true
            }
            while nonDraining < target {
                let readyAt = now + model.coldStart.sample(&random)
                workers.append(SimulatedWorker(readyAt: readyAt, idleSince: readyAt))
                active.append(workers.count - 1)
                events.push(time: readyAt, kind: .ready, worker: workers.count - 1)
                coldStarts += 1
                nonDraining += 1
            }
            dispatch()
        } else if target < nonDraining {
            target = shed(target, from: active.reversed().filter { !workers[$0].ready && !workers[$0].draining })
            let idle = active.filter { workers[$0].ready && !workers[$0].draining && workers[$0].busy == 0 }
            target = shed(target, from: idle.sorted { workers[$0].idleSince < workers[$1].idleSince })
            for index in active.reversed() where nonDraining > target && !workers[index].draining {
                workers[index].draining = true
                nonDraining -= 1
            }
        }
        peakReplicas = max(peakReplicas, nonDraining)
        noteTimeline()
    }

    private func shed(_ target: Int, from candidates: [Int]) -> Int {
        for index in candidates where nonDraining > target {
            release(index)
            nonDraining -= 1
        }
        return target
    }

    func waiting(longerThan seconds: Double) -> Int {
        // The queue is in arrival order, so the long waiters are a prefix of it.
        let cutoff = now - seconds
        var low = queueHead, high = queue.count
        while low < high {
            let middle = (low + high) / 2
            if arrivals[Int(queue[middle])] < cutoff { low = middle + 1 } else { high = middle }
        }
        return low - queueHead
    }

    func idleWorkers(atLeast seconds: Double) -> Int {
        active.reduce(0) { count, index in
            let worker = workers[index]
            return count + (worker.ready && !worker.draining && worker.busy == 0 && now - worker.idleSince >= seconds ? 1 : 0)
        }
    }

    func noteTimeline() {
        timeline.noteReplicas(at: now, replicas: nonDraining, ready: readyCount)
    }

    private func release(_ index: Int) {
        workers[index].released = true
        if let position = active.firstIndex(of: index) { active.remove(at: position) }
    }

    private func dispatch() {
        guard mayHaveFreeSlot, queuedCount > 0 else { return }
        let capacity = model.concurrency
        for index in active where queuedCount > 0 {
            guard workers[index].ready, !workers[index].draining else { continue }
            while workers[index].busy < capacity, queuedCount > 0 {
                let request = Int(queue[queueHead])
                queueHead += 1
                waits[request] = Float(now - arrivals[request])
                workers[index].busy += 1
                inFlight += 1
                events.push(time: now + serviceTimes[request], kind: .completion, worker: index)
            }
        }
        if queuedCount > 0 { mayHaveFreeSlot = false }
        compactQueue()
    }

    private func compactQueue() {
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead > 4_096, queueHead > queue.count / 2 {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }
}
