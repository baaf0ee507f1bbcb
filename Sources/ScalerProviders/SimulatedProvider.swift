import Foundation
import ScalerCore
import ScalerPorts
import ScalerSimulation
import Synchronization

/// `kind: simulated`: endpoints in the built-in cloud model, for the demo and for tests. It keeps
/// the settings last applied, as a real provider's endpoint would.
public final class SimulatedProvider: Provider {
    public let cloud: SimulatedCloud
    private let clock: @Sendable () -> Date
    private let applied = Mutex<[String: ManagedSettings]>([:])

    public init(cloud: SimulatedCloud, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.cloud = cloud
        self.clock = clock
    }

    public func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        let endpointID = endpoint.id
        let snapshot = cloud.snapshot(endpointID: endpointID, at: clock())
        var settings = applied.withLock { $0[endpointID] } ?? ManagedSettings(minReplicas: snapshot.replicas)
        settings.minReplicas = snapshot.replicas
        return EndpointStatus(settings: settings, readyWorkers: snapshot.readyWorkers)
    }

    public func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        let endpointID = endpoint.id
        applied.withLock { $0[endpointID] = wanted }
        cloud.setReplicas(wanted.minReplicas, endpointID: endpointID, at: clock())
    }
}
