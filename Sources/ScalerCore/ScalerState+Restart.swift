import Foundation

extension ScalerState {
    /// What a restarted daemon may carry on from a state saved at `savedAt`, and what it says
    /// about what it dropped. The windows continue only when the policy that filled them is the
    /// one in force and no more time has passed than a sample may be old: otherwise they (and the
    /// evidence of idleness) start over. What was learned about the endpoint (cold start, service
    /// time, idle gaps, the service level's rises and feedback) and the spend of the last day are kept either way.
    public func resumed(savedAt: Date, samePolicy: Bool, policy: ScalingPolicy, now: Date) -> (state: ScalerState, note: String) {
        let gap = now.timeIntervalSince(savedAt)
        if samePolicy, gap >= 0, gap <= policy.maxMetricAge {
            return (self, "state restored: windows, learned timings and spend carry on")
        }
        var kept = ScalerState()
        kept.lastDesired = lastDesired
        kept.lastDecisionAt = lastDecisionAt
        kept.spend = spend
        kept.coldStart = coldStart
        kept.idleGaps = idleGaps
        kept.serviceTimes = serviceTimes
        kept.serviceLevel = serviceLevel
        let why = samePolicy ? "\(Seconds(gap)) passed since it was saved, longer than max_age" : "the policy changed since it was saved"
        return (kept, "state partly restored (\(why)): stabilization, rate and burst windows and idle evidence start over; learned timings and spend kept")
    }
}
