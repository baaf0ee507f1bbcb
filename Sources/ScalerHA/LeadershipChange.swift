/// A change in what this instance may do, for the journal, the log, the metrics and `status`.
public enum LeadershipChange: Sendable, Hashable {
    /// This instance holds the lease for `epoch`; `previous` held it before, if known.
    case acquired(epoch: Int64, previous: LeaseHolder?)
    /// This instance stopped acting for `epoch` on its own clock: its acting time ran out
    /// without a renewal (a pause, a slow or unreachable store). Another may take over once the
    /// lease runs out.
    case fenced(epoch: Int64, reason: String)
    /// Another instance holds the lease now.
    case lost(epoch: Int64, to: LeaseHolder)
    /// This instance ended its lease on a planned stop.
    case released(epoch: Int64)
    /// This instance, not leading, learned who leads (at its first claim, or after a take-over).
    case standingBy(leader: LeaseHolder)
}

extension LeadershipChange {
    public var isAcquired: Bool {
        if case .acquired = self { return true }
        return false
    }
}
