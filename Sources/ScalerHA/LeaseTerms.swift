/// How long a lease lasts in the store's time, and how much sooner its holder stops acting on its
/// own clock: the margin absorbs the two machines' clock drift over one lease and the flight time
/// of a request already sent when the holder stops.
public struct LeaseTerms: Sendable, Hashable {
    public let duration: Duration
    public let margin: Duration

    /// The time a holder may act after sending the claim that was granted.
    public var actingTime: Duration { duration - margin }

    public init(duration: Duration, margin: Duration) throws(LeaseTermsError) {
        guard duration > .zero else { throw LeaseTermsError("the lease must be longer than zero, not \(duration)") }
        guard margin > .zero, margin < duration else {
            throw LeaseTermsError("the margin (\(margin)) must be more than zero and less than the lease (\(duration))")
        }
        self.duration = duration
        self.margin = margin
    }

    /// A third of the lease as the margin: at 15 s, a holder stops acting 5 s before anyone
    /// else may take over.
    public init(duration: Duration) throws(LeaseTermsError) {
        try self.init(duration: duration, margin: duration / 3)
    }
}

public struct LeaseTermsError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
