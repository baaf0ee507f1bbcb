/// An instant as the time elapsed on a monotonic clock since some start: what `Leadership`
/// counts in when the clock is only known as `any Clock<Duration>`.
public struct ElapsedInstant: InstantProtocol, Sendable {
    public var offset: Duration

    public init(offset: Duration) {
        self.offset = offset
    }

    public func advanced(by duration: Duration) -> ElapsedInstant { ElapsedInstant(offset: offset + duration) }
    public func duration(to other: ElapsedInstant) -> Duration { other.offset - offset }
    public static func < (lhs: ElapsedInstant, rhs: ElapsedInstant) -> Bool { lhs.offset < rhs.offset }
}
