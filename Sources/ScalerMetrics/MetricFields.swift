/// One selector per metric a remote source can answer: a JSON Pointer for `http`, a PromQL
/// expression for `prometheus`. A metric without one stays unknown.
public struct MetricFields<Selector: Sendable & Hashable>: Sendable, Hashable {
    public var queueDelay: Selector?
    public var queued: Selector?
    public var inFlight: Selector?
    public var readyWorkers: Selector?

    public init(queueDelay: Selector? = nil, queued: Selector? = nil, inFlight: Selector? = nil, readyWorkers: Selector? = nil) {
        self.queueDelay = queueDelay
        self.queued = queued
        self.inFlight = inFlight
        self.readyWorkers = readyWorkers
    }
}
