import Foundation
import ScalerCore
import Synchronization

/// The demo's cloud: one `ClusterModel` per endpoint id, driven by a repeating load cycle and by
/// the replicas scalerd pushes. Time is handed in by the caller, never read from a clock here.
///
/// Locked in shards rather than an actor: every endpoint reads it twice a tick, and at thousands
/// of endpoints a hop onto one actor's queue per read cost more than the model's own steps.
public final class SimulatedCloud: Sendable {
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
    private let shards: [Shard]
    /// The first time any caller handed in: the load cycle's zero.
    private let epoch = Mutex<Date?>(nil)

    public init(settings: Settings) {
        self.settings = settings
        shards = (0..<16).map { _ in Shard() }
    }

    public func snapshot(endpointID: String, at now: Date) -> ClusterModel.Snapshot {
        withCluster(endpointID, advancedTo: now) { $0.snapshot }
    }

    public func setReplicas(_ replicas: Int, endpointID: String, at now: Date) {
        withCluster(endpointID, advancedTo: now) { $0.setReplicas(replicas) }
    }

    private func withCluster<Result>(_ endpointID: String, advancedTo now: Date, _ body: (inout ClusterModel) -> Result) -> Result {
        let start = epoch.withLock { first in
            if first == nil { first = now }
            return first!
        }
        let (cycle, cluster, seed) = (settings.cycle, settings.cluster, settings.seed)
        let hash = FNV1a.hash(endpointID)
        return shards[Int(hash % UInt64(shards.count))].clusters.withLock { clusters in
            // In place: a copy taken out of the dictionary would copy the model's arrays on write.
            // Endpoints get distinct but reproducible arrivals.
            clusters[endpointID, default: ClusterModel(parameters: cluster, seed: seed ^ hash)]
                .advance(to: now.timeIntervalSince(start)) { cycle.rate(at: $0) }
            return body(&clusters[endpointID]!)
        }
    }

    private final class Shard: Sendable {
        let clusters = Mutex<[String: ClusterModel]>([:])
    }
}
