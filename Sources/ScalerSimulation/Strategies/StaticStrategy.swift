/// Static provisioning at the trace's peak, warm from the start: no queueing from scaling, most
/// cost. What teams do when they do not trust an autoscaler.
public struct StaticStrategy: ScalingStrategy {
    public let replicas: Int
    public var name: String { "static-peak" }
    public var summary: String { "\(replicas) workers always on (the oracle's peak)" }
    public var interval: Double { 3_600 }
    public var initialReplicas: Int { replicas }

    public init(replicas: Int) {
        self.replicas = replicas
    }

    public mutating func desiredReplicas(_ view: ClusterView) -> Int { replicas }
}
