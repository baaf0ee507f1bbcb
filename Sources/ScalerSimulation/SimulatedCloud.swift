import Foundation
import ScalerCore

/// The demo's cloud: one `ClusterModel` per endpoint id, driven by a repeating load cycle and by
/// the replicas scalerd pushes. Time is handed in by the caller, never read from a clock here.
public actor SimulatedCloud {
    public struct Settings: Sendable, Hashable {
        public var seed: UInt64
        public var cycle: LoadCycle
        public var cluster: ClusterModel.Parameters

        public init(seed: UInt64, cycle: LoadCycle, cluster: ClusterModel.Parameters) {
            self.seed = seed
            self.cycle = cycle
            self.cluster = cluster
        }
    }

    public let settings: Settings
    private var clusters: [String: ClusterModel] = [:]
    private var epoch: Date?

    public init(settings: Settings) {
        self.settings = settings
    }

    public func snapshot(endpointID: String, at now: Date) -> ClusterModel.Snapshot {
        advance(endpointID, to: now)
        return clusters[endpointID]!.snapshot
    }

    public func setReplicas(_ replicas: Int, endpointID: String, at now: Date) {
        advance(endpointID, to: now)
        clusters[endpointID]!.setReplicas(replicas)
    }

    private func advance(_ endpointID: String, to now: Date) {
        let start = epoch ?? now
        epoch = start
        let (cycle, cluster, seed) = (settings.cycle, settings.cluster, settings.seed)
        // In place: a copy taken out of the dictionary would copy the model's arrays on write.
        // Endpoints get distinct but reproducible arrivals.
        clusters[endpointID, default: ClusterModel(parameters: cluster, seed: seed ^ FNV1a.hash(endpointID))]
            .advance(to: now.timeIntervalSince(start)) { cycle.rate(at: $0) }
    }
}
