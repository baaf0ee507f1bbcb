/// Who holds a lease, and in which term: the epoch grows by one each time the lease changes
/// hands or is taken again after running out, never on a renewal.
public struct LeaseHolder: Sendable, Hashable, CustomStringConvertible {
    public let holder: String
    public let epoch: Int64

    public init(holder: String, epoch: Int64) {
        self.holder = holder
        self.epoch = epoch
    }

    public var description: String { "\(holder) (epoch \(epoch))" }
}

/// What the store answered a claim: the lease is the claimant's for `epoch`, or someone else
/// holds it for `remaining` more in the store's time.
public enum LeaseAnswer: Sendable, Hashable {
    case granted(epoch: Int64)
    case heldBy(LeaseHolder, remaining: Duration)
}
