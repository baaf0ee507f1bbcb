/// The two yardsticks every result is divided by: the oracle that ignores cold starts (how far
/// from free) and the clairvoyant controller that pays them (how far from possible).
public struct SimulationBounds: Sendable, Hashable, Codable {
    public var oracle: LowerBound
    public var clairvoyant: ClairvoyantBound

    public init(oracle: LowerBound, clairvoyant: ClairvoyantBound) {
        self.oracle = oracle
        self.clairvoyant = clairvoyant
    }

    public init(trace: Trace, model: WorkerModel, minReplicas: Int) {
        self.init(oracle: LowerBound(trace: trace, model: model), clairvoyant: ClairvoyantBound(trace: trace, model: model, minReplicas: minReplicas))
    }
}
