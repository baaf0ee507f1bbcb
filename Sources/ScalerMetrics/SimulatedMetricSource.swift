import Foundation
import ScalerCore
import ScalerPorts
import ScalerSimulation

/// Reads queue and workers straight from the simulated cloud, as a provider's health API would.
public struct SimulatedMetricSource: MetricSource {
    public let cloud: SimulatedCloud
    private let clock: @Sendable () -> Date

    public init(cloud: SimulatedCloud, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.cloud = cloud
        self.clock = clock
    }

    public func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        let now = clock()
        let snapshot = cloud.snapshot(endpointID: endpointID, at: now)
        return MetricSample(
            takenAt: now,
            queueDelay: snapshot.queueDelay,
            queued: snapshot.queued,
            inFlight: snapshot.inFlight,
            readyWorkers: snapshot.readyWorkers
        )
    }
}
