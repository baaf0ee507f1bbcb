import Foundation
import ScalerCore
import ScalerSimulation

/// `kind: simulated`: endpoints in the built-in cloud model, for the demo and for tests.
public struct SimulatedProvider: Provider {
    public let cloud: SimulatedCloud
    private let clock: @Sendable () -> Date

    public init(cloud: SimulatedCloud, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.cloud = cloud
        self.clock = clock
    }

    public func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        let snapshot = await cloud.snapshot(endpointID: endpointID, at: clock())
        return EndpointStatus(replicas: snapshot.replicas, readyWorkers: snapshot.readyWorkers)
    }

    public func apply(_ desired: DesiredEndpoint, endpointID: String) async throws(ProviderError) {
        await cloud.setReplicas(desired.replicas, endpointID: endpointID, at: clock())
    }
}
