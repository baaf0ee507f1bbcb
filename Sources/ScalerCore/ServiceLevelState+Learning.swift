import Foundation

/// One move of the feedback: which way, and the share that made it.
struct ServiceLevelStep: Sendable, Hashable {
    enum Direction { case tightened, loosened }
    let direction: Direction
    let share: Double
}

extension ServiceLevelState {
    /// Takes one fresh sample's load (in flight + queued; unknown when the source gives neither):
    /// the rise within `reach` of it, and the load-weighted seconds it adds to the share.
    /// `reach` is what a worker asked for now needs to be ready: a cold start and a tick.
    /// - Parameters:
    ///   - modelled: the load was read through the service time (see `TimedLoad.modelled`).
    ///   - provisional: the service time behind it is too young to keep what it teaches for long
    ///     (see `LoadSpan.provisional`).
    ///   - warm: workers were ready and requests waited no longer than the SLO's wait.
    mutating func learn(
        load: Double, modelled: Bool = false, provisional: Bool = false, warm: Bool, queueDelay: Double?,
        slo: ServiceLevelObjective, coldStart: Double, now: Date
    ) {
        since = since ?? rises.first?.start ?? now
        let sinceLast = recentLoads.last.map { min(max(now.timeIntervalSince($0.at), 0), slo.span) } ?? 0
        let reach = ServiceLevelObjective.reach(coldStart: coldStart, tick: sinceLast)
        recentLoads.removeAll { $0.at < now.addingTimeInterval(-reach) || $0.at > now }
        let (rise, riseModelled) = record(load: load, modelled: modelled, warm: warm, now: now)
        sinceStep.largestRise = max(sinceStep.largestRise, rise)
        // The prior's window is not evidence for feedback.
        if learnedFor(at: now) < slo.window { sinceStep = StepEvidence() }

        let start = Self.spanStart(of: now, span: slo.span)
        let learnedBefore = headroom(overTarget: slo.overTarget, scale: 1) ?? 0
        defer {
            // Waits that a larger rise, now learned, explains are no evidence about the scale:
            // feedback judges only what comes after the history has caught up with them.
            if let learned = headroom(overTarget: slo.overTarget, scale: 1), learned > learnedBefore * Self.explainedGrowth {
                sinceStep = StepEvidence()
                lastStep = now
            }
        }
        rises.removeAll {
            $0.start < now.addingTimeInterval($0.provisional ? -slo.window : -slo.riseHistory) || $0.start > now
        }
        // Read through a young service time, or counted whole past the wait where none could
        // tell arrivals from backlog: what the first bursts teach holds for one window, and a
        // wrong reading cannot keep the queues that would correct it away for six.
        let riseProvisional = provisional && (riseModelled || !warm)
        if let last = rises.last, last.start == start {
            if rise > last.largestRise {
                (rises[rises.count - 1].largestRise, rises[rises.count - 1].riseModelled) = (rise, riseModelled)
                rises[rises.count - 1].provisional = riseProvisional
            }
            if load > last.highestLoad { (rises[rises.count - 1].highestLoad, rises[rises.count - 1].highestModelled) = (load, modelled) }
        } else {
            rises.append(LoadSpan(
                start: start, largestRise: rise, highestLoad: load, riseModelled: riseModelled, highestModelled: modelled, provisional: riseProvisional
            ))
        }

        ledger.removeAll { $0.start < now.addingTimeInterval(-slo.window) || $0.start > now }
        // A source without a queue delay says nothing about waiting: the share learns nothing.
        guard let queueDelay, sinceLast > 0 else { return }
        if ledger.last?.start != start { ledger.append(ShareSpan(start: start)) }
        let weighted = load * sinceLast
        let overTarget = queueDelay > slo.wait ? weighted : 0
        ledger[ledger.count - 1].load += weighted
        ledger[ledger.count - 1].overTarget += overTarget
        ledger[ledger.count - 1].seconds += sinceLast
        rises[rises.count - 1].loadSeconds += weighted
        rises[rises.count - 1].overTargetSeconds += overTarget
        sinceStep.load += weighted
        sinceStep.overTarget += overTarget
    }

    /// Adds the reading to the reach's loads and returns the rise it shows, and whether that
    /// rise was read through the service time.
    private mutating func record(load: Double, modelled: Bool, warm: Bool, now: Date) -> (rise: Double, modelled: Bool) {
        // Workers that caught up with a backlog hold it in flight for a while with nothing
        // queued: only a whole reach of keeping up settles a reading.
        let settled = warm && recentLoads.allSatisfy(\.warm)
        recentLoads.append(TimedLoad(at: now, requests: load, warm: warm, settled: settled, modelled: modelled))
        // A rise from a fleet with no worker ready, or one that had not caught up, is a
        // backlog, which no headroom absorbs: it would teach a headroom far past any warm burst.
        // The prior covers start-up.
        let settledLoads = recentLoads.filter(\.settled)
        let rise = load - (settledLoads.map(\.requests).min() ?? load)
        // A load that can vanish within one reach can come as fast: the fall is learned as a rise.
        // It is what teaches a burst that was already under way when the history began, or
        // whose rise was a cold fleet's.
        if settled, let highest = settledLoads.max(by: { $0.requests < $1.requests }), highest.requests - load > rise {
            return (highest.requests - load, highest.modelled)
        }
        return (rise, modelled)
    }

    /// A load read through the service time is arrivals times it: learned under an estimate that
    /// has since moved (a young one, read off the first queue), it is the same arrivals at the
    /// new one. Counted loads were measured, whatever the estimate.
    mutating func rescale(by factor: Double) {
        guard factor.isFinite, factor > 0 else { return }
        for index in recentLoads.indices where recentLoads[index].modelled { recentLoads[index].requests *= factor }
        for index in rises.indices {
            if rises[index].riseModelled { rises[index].largestRise *= factor }
            if rises[index].highestModelled { rises[index].highestLoad *= factor }
        }
    }

    /// The service time loads are read through: the trusted one once there is one, until then
    /// the median of those read off a backlog. A drowning worker's reading can be three times
    /// too long, but arrivals times it still tells a burst from the backlog it left far better
    /// than counting the backlog whole: a cold start's 337 queued requests were 50 of load, and
    /// counted whole they kept 40 workers warm for an hour. Rises read through it are provisional.
    func serviceTime(trusted: Double?) -> Double? {
        trusted ?? QueueModel.median(backlogServiceTimes)
    }

    /// The share over target measured over the SLO window; `nil` until half a window of
    /// samples with load has been seen.
    func measuredShare(_ slo: ServiceLevelObjective) -> Double? {
        let seconds = ledger.reduce(0) { $0 + $1.seconds }
        let load = ledger.reduce(0) { $0 + $1.load }
        guard seconds >= slo.window / 2, load > 0 else { return nil }
        return ledger.reduce(0) { $0 + $1.overTarget } / load
    }

    /// Moves the scale one bounded step when the evidence says so, at most every quarter window
    /// and judged on what came after the last step as well as on the window, so that one burst
    /// is not answered twice.
    /// - Up when both are over the SLO.
    /// - Down when both are under half of it and the rises since were real (at least half the
    ///   lowered headroom) yet the lowered headroom still covers the largest of them: a quiet
    ///   hour is no evidence, and a rise the lowered headroom would miss is evidence against it.
    /// A scale that failed is not returned to while the rise history remembers it, and the first
    /// window of history, which the prior covered, is not judged: the scale settles instead of
    /// sawing.
    mutating func step(_ slo: ServiceLevelObjective, now: Date) -> ServiceLevelStep? {
        guard learnedFor(at: now) >= slo.window * 1.5, let share = measuredShare(slo) else { return nil }
        if let lastStep, now.timeIntervalSince(lastStep) < slo.stepInterval { return nil }
        let next: Double
        let direction: ServiceLevelStep.Direction
        if failedAt.map({ now.timeIntervalSince($0) > slo.riseHistory }) == true { (failedScale, failedAt) = (nil, nil) }
        if share > slo.overTarget, sinceStep.share > slo.overTarget {
            (direction, next) = (.tightened, min(Self.scales.upperBound, scale * Self.tightening))
            (failedScale, failedAt) = (scale, now)
        } else if share < slo.overTarget / 2, sinceStep.share < slo.overTarget / 2,
                  case let lowered = max(Self.scales.lowerBound, scale / Self.loosening),
                  lowered >= (failedScale ?? 0) * Self.loosening,
                  let kept = headroom(overTarget: slo.overTarget, scale: lowered), kept > 0,
                  sinceStep.largestRise >= kept / 2, sinceStep.largestRise <= kept {
            (direction, next) = (.loosened, lowered)
        } else {
            return nil
        }
        guard next != scale else { return nil }
        scale = next
        lastStep = now
        sinceStep = StepEvidence()
        return ServiceLevelStep(direction: direction, share: share)
    }

    /// The largest rise in all but `overTarget` of the rise history's spans, times `scale`;
    /// `nil` before any rise is learned.
    func headroom(overTarget: Double, scale: Double) -> Double? {
        guard !rises.isEmpty else { return nil }
        let largestFirst = rises.map(\.largestRise).sorted(by: >)
        let uncovered = min(Int((overTarget * Double(largestFirst.count)).rounded(.down)), largestFirst.count - 1)
        return largestFirst[uncovered] * scale
    }

    /// How much larger than the largest rise seen the next may be, from how many have come close
    /// to it: of n rises that large, the next is the largest of n + 1 with chance 1 / (n + 1), so
    /// the headroom is raised by `youngHistoryWeight` times that share. 1.75 after the first,
    /// 1.15 after nine: a young history is trusted less.
    func uncertainty(overTarget: Double) -> (factor: Double, near: Int) {
        guard let largest = headroom(overTarget: overTarget, scale: 1), largest > 0 else { return (1, 0) }
        let near = rises.filter { $0.largestRise >= largest / 2 }.count
        return (1 + Self.youngHistoryWeight / Double(near + 1), near)
    }

    /// The lowest load within the latest reach: the level the rise is measured from.
    var base: Double? { recentLoads.map(\.requests).min() }

    /// The load to keep warm capacity for: `base` plus the headroom, but no higher than the
    /// highest load of the rise history (times `scale` past 1). Rises are learned from quiet
    /// and busy moments alike; at the top of a burst another whole burst on top of it is not
    /// what the history shows.
    func covered(base: Double, headroom: Double, scale: Double) -> Double {
        let highest = rises.map(\.highestLoad).max() ?? 0
        return max(base, min(base + headroom, highest * max(1, scale)))
    }

    /// Spans are aligned to multiples of their length, so that a restart continues the same span.
    static func spanStart(of date: Date, span: TimeInterval) -> Date {
        Date(timeIntervalSinceReferenceDate: (date.timeIntervalSinceReferenceDate / span).rounded(.down) * span)
    }
}
