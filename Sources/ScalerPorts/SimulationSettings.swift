import Foundation

/// Parameters of the built-in simulated cloud (a `kind: simulated` provider's `simulation:` block).
public struct SimulationSettings: Sendable, Hashable, Codable {
    public var seed: UInt64 = 1
    /// Seconds from pushing a replica to the worker taking requests.
    public var coldStart: TimeInterval = 10
    /// Mean seconds one request takes on a worker.
    public var serviceTime: TimeInterval = 2
    /// Requests per second at the top of the load cycle.
    public var peakRPS: Double = 4
    /// One idle -> rise -> burst -> fall -> idle cycle, in seconds.
    public var cycle: TimeInterval = 240
    /// Requests one simulated worker serves at once.
    public var workerConcurrency = 1

    public init() {}
}
