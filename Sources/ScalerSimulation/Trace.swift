/// One request of a trace. Times are seconds from the trace's first arrival.
public struct TraceRequest: Sendable, Hashable {
    public var arrival: Double
    public var promptTokens: Int?
    public var outputTokens: Int?
    /// Seconds of service when the trace records them; otherwise the worker model derives them.
    public var serviceTime: Double?

    public init(arrival: Double, promptTokens: Int? = nil, outputTokens: Int? = nil, serviceTime: Double? = nil) {
        self.arrival = arrival
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.serviceTime = serviceTime
    }
}

/// Requests sorted by arrival, never empty once read or generated.
public struct Trace: Sendable {
    public var name: String
    public var requests: [TraceRequest]

    public init(name: String, requests: [TraceRequest]) {
        self.name = name
        self.requests = requests
    }

    /// Seconds from the first arrival to the last.
    public var span: Double { (requests.last?.arrival ?? 0) - (requests.first?.arrival ?? 0) }
}

extension Trace {
    /// A generated trace, moved to start at its first arrival; never empty (one tiny request
    /// stands in for a draw that produced none).
    init(generatedNamed name: String, requests: [TraceRequest]) {
        let requests = requests.isEmpty ? [TraceRequest(arrival: 0, promptTokens: 1, outputTokens: 1)] : requests
        let origin = requests[0].arrival
        self.init(name: name, requests: requests.map {
            var request = $0
            request.arrival -= origin
            return request
        })
    }
}
