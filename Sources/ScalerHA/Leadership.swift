/// Whether this instance may act (push to providers) now, from what the lease store answered
/// and this instance's own monotonic clock. Pure: the caller hands in every instant.
///
/// A granted claim lets the holder act until the instant it *sent* that claim plus the lease's
/// acting time. The store set the lease to run out a whole lease after it received the claim,
/// which is later, so the holder stops at least `margin` before anyone else can take over,
/// whatever happens to it in between (a pause, a lost answer, a store that went away).
public struct Leadership<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    public let terms: LeaseTerms
    /// This instance's name in the store: unique per process, so a restart is a new holder.
    public let holder: String
    /// The term this instance holds, or held until it was fenced and not yet told otherwise.
    public private(set) var epoch: Int64?
    /// Until when this instance may act; `nil` when it may not.
    public private(set) var actUntil: Instant?
    /// Who holds the lease, as last answered, when it is not this instance.
    public private(set) var otherHolder: LeaseHolder?

    public init(terms: LeaseTerms, holder: String) {
        self.terms = terms
        self.holder = holder
    }

    /// Whether a push may start at `now`.
    public func mayAct(at now: Instant) -> Bool {
        actingTimeLeft(at: now) != nil
    }

    /// How long a push starting at `now` has before this instance must stop acting: the
    /// deadline every push of the tick runs within. `nil` when it may not act.
    public func actingTimeLeft(at now: Instant) -> Duration? {
        guard let actUntil, now < actUntil else { return nil }
        return now.duration(to: actUntil)
    }

    /// Stops acting once the acting time has run out without a renewal. Called before a tick
    /// acts, so that an instance that was paused past its lease does nothing first.
    public mutating func check(at now: Instant) -> [LeadershipChange] {
        guard let epoch, let actUntil, now >= actUntil else { return [] }
        self.actUntil = nil
        let late = actUntil.duration(to: now)
        return [.fenced(epoch: epoch, reason: "no renewal within the lease's acting time of \(terms.actingTime) (ran out \(late) ago)")]
    }

    /// What a claim sent at `sentAt` was answered, handed in at `now`.
    public mutating func claimed(_ answer: LeaseAnswer, sentAt: Instant, at now: Instant) -> [LeadershipChange] {
        var changes = check(at: now)
        switch answer {
        case .granted(let granted):
            let until = sentAt.advanced(by: terms.actingTime)
            if granted != epoch {
                changes.append(.acquired(epoch: granted, previous: otherHolder ?? epoch.map { LeaseHolder(holder: holder, epoch: $0) }))
            } else if actUntil == nil {
                // Fenced while the lease lived on in the store (a store away for less than the
                // lease): the same term goes on, and that is said as plainly as the stop was.
                changes.append(.acquired(epoch: granted, previous: nil))
            }
            epoch = granted
            otherHolder = nil
            // An answer that took longer than the acting time grants nothing usable.
            actUntil = now < until ? until : nil
        case .heldBy(let holder, _):
            if let epoch {
                if actUntil != nil {
                    // Told by the store that another holds it while this one thought it still
                    // could act: stop now, whatever the own clock says.
                    changes.append(.fenced(epoch: epoch, reason: "the store says \(holder) holds the lease"))
                }
                changes.append(.lost(epoch: epoch, to: holder))
            } else if holder != otherHolder {
                changes.append(.standingBy(leader: holder))
            }
            epoch = nil
            actUntil = nil
            otherHolder = holder
        }
        return changes
    }

    /// A claim that failed (the store unreachable or slow): leadership goes on only until its
    /// acting time runs out, which `check` reports.
    public mutating func claimFailed(at now: Instant) -> [LeadershipChange] {
        check(at: now)
    }

    /// This instance released its lease on a planned stop.
    public mutating func released() -> [LeadershipChange] {
        guard let epoch else { return [] }
        self.epoch = nil
        actUntil = nil
        return [.released(epoch: epoch)]
    }
}
