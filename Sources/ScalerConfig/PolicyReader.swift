import ScalerCore

/// Reads and cross-checks one endpoint's `policy:` block. An invalid optional setting reads as
/// absent: its issue is already logged, and any logged issue refuses the whole file.
struct PolicyReader {
    let node: ConfigNode

    private static let keys = [
        "type", "value", "min_replicas", "max_replicas", "idle_timeout", "provider_idle_timeout", "max_concurrent_per_worker", "control",
        "scale_up", "scale_down", "fallback", "price_per_worker_hour", "max_spend_per_hour", "max_spend_per_day", "tolerance", "schedules",
        "burst", "look_ahead", "adaptive_idle_timeout", "slo",
    ]

    func read(maxMetricAge: Double) -> ScalingPolicy? {
        guard let mapping = node.mapping(keys: Self.keys) else { return nil }
        let type = mapping.required("type")?.choice(PolicyType.self)
        let value = mapping.required("value")?.number(greaterThan: 0)
        let minReplicas = mapping["min_replicas"].map { $0.integer(atLeast: 0) } ?? 0
        let maxReplicasNode = mapping.required("max_replicas")
        let maxReplicas = maxReplicasNode?.integer(atLeast: 1)
        let sloNode = mapping["slo"]
        let slo = sloNode.map { readSLO($0, type: type, value: value) }
        if let sloNode, refusesKnobs(alongside: sloNode, in: mapping) { return nil }
        // Under an SLO the provider keeps each worker it added for one cold start, as scalerd's
        // own release does (ski rental).
        let idleTimeout = mapping["idle_timeout"].map { $0.duration(allowZero: false) } ?? (slo ?? nil)?.assumedColdStart ?? 300
        let providerIdleTimeout = mapping["provider_idle_timeout"].map { $0.duration(allowZero: false) }
        let perWorker = mapping["max_concurrent_per_worker"].map { $0.integer(atLeast: 1) } ?? 1
        let control = mapping["control"].map { $0.choice(ControlMode.self) } ?? ScalingPolicy.defaultControl
        let scaleUp = readDirection(mapping["scale_up"], defaultStabilization: 0)
        let scaleDown = readDirection(mapping["scale_down"], defaultStabilization: 300)
        let fallbackNode = mapping["fallback"]
        let fallback = fallbackNode.flatMap(readFallback)
        let budget = readBudget(mapping)
        let schedulesNode = mapping["schedules"]
        let schedules = schedulesNode.map { ScheduleReader(node: $0, minReplicas: minReplicas, maxReplicas: maxReplicas).read() }
        let burst = mapping["burst"].map(readBurst)
        let lookAhead = mapping["look_ahead"].map(readLookAhead)
        let adaptiveIdle = mapping["adaptive_idle_timeout"].map(readAdaptiveIdle)
        let toleranceNode = mapping["tolerance"]
        let tolerance = toleranceNode.map { $0.number(greaterThan: 0) }
        if let toleranceNode, let value = tolerance ?? nil, value >= 1 {
            toleranceNode.report("tolerance is a fraction of the current count, below 1 (0.1 is 10%)")
            return nil
        }

        if let minReplicas, let maxReplicas, let maxReplicasNode, minReplicas > maxReplicas {
            maxReplicasNode.report("max_replicas \(maxReplicas) is below min_replicas \(minReplicas)")
            return nil
        }
        if let floor = fallback?.replicas, let minReplicas, let maxReplicas, let fallbackNode,
           !(minReplicas...maxReplicas).contains(floor) {
            fallbackNode.report("fallback.replicas \(floor) is outside min_replicas..max_replicas (\(minReplicas)...\(maxReplicas))")
            return nil
        }
        guard let type, let value, let minReplicas, let maxReplicas, let idleTimeout, providerIdleTimeout != .some(nil), let perWorker, let control,
              let scaleUp, let scaleDown, budget.valid, tolerance != .some(nil), schedules != .some(nil),
              burst != .some(nil), lookAhead != .some(nil), adaptiveIdle != .some(nil), slo != .some(nil) else { return nil }
        return ScalingPolicy(
            type: type, value: value, minReplicas: minReplicas, maxReplicas: maxReplicas,
            idleTimeout: idleTimeout, providerIdleTimeout: providerIdleTimeout ?? nil, maxConcurrentPerWorker: perWorker,
            control: control, scaleUp: scaleUp, scaleDown: scaleDown, fallback: fallback, maxMetricAge: maxMetricAge,
            budget: budget.budget, tolerance: tolerance ?? nil, schedules: schedules ?? nil,
            burst: burst ?? nil, lookAhead: lookAhead ?? nil, adaptiveIdle: adaptiveIdle ?? nil, slo: slo ?? nil
        )
    }

    /// The policy's `control:` node when the file sets one: its default depends on the provider.
    static func controlNode(in node: ConfigNode) -> ConfigNode? {
        guard case .mapping(let mapping) = node.node else { return nil }
        return mapping.first { $0.key.string == "control" }.map { node.child("control", $0.value) }
    }

    /// `valid` is false when what is set cannot be used (its issue is logged); no keys, no budget.
    private func readBudget(_ mapping: ConfigMapping) -> (valid: Bool, budget: SpendBudget?) {
        let priceNode = mapping["price_per_worker_hour"]
        let hourlyNode = mapping["max_spend_per_hour"], dailyNode = mapping["max_spend_per_day"]
        guard let priceNode else {
            if let limitNode = hourlyNode ?? dailyNode {
                limitNode.report("a spend limit needs price_per_worker_hour in the same policy, to turn replicas into money")
                return (false, nil)
            }
            return (true, nil)
        }
        let price = priceNode.number(greaterThan: 0)
        let hourly = hourlyNode.map { $0.number(greaterThan: 0) }
        let daily = dailyNode.map { $0.number(greaterThan: 0) }
        guard let price, hourly != .some(nil), daily != .some(nil) else { return (false, nil) }
        return (true, SpendBudget(pricePerWorkerHour: price, maxSpendPerHour: hourly ?? nil, maxSpendPerDay: daily ?? nil))
    }

    private func readDirection(_ node: ConfigNode?, defaultStabilization: Double) -> DirectionBehavior? {
        guard let node else { return DirectionBehavior(stabilization: defaultStabilization) }
        guard let mapping = node.mapping(keys: ["stabilization", "max_step", "max_percent", "period"]) else { return nil }
        let stabilization = mapping["stabilization"].map { $0.duration(allowZero: true) } ?? defaultStabilization
        let maxStep = mapping["max_step"].flatMap { $0.integer(atLeast: 1) }
        let maxPercent = mapping["max_percent"].flatMap { $0.number(greaterThan: 0) }
        let periodNode = mapping["period"]
        if let periodNode, mapping["max_percent"] == nil {
            periodNode.report("period only applies to max_percent, which is not set")
        }
        let period = periodNode.flatMap { $0.duration(allowZero: false) }
        return stabilization.map { DirectionBehavior(stabilization: $0, maxStep: maxStep, maxPercent: maxPercent, period: period) }
    }

    private func readBurst(_ node: ConfigNode) -> BurstPolicy? {
        guard let mapping = node.mapping(keys: ["window", "threshold", "hold"]) else { return nil }
        let defaults = BurstPolicy()
        let window = mapping["window"].map { $0.duration(allowZero: false) } ?? defaults.window
        let threshold = mapping["threshold"].map { $0.number(greaterThan: 1) } ?? defaults.threshold
        let hold = mapping["hold"].map { $0.duration(allowZero: true) } ?? defaults.hold
        guard let window, let threshold, let hold else { return nil }
        return BurstPolicy(window: window, threshold: threshold, hold: hold)
    }

    private func readLookAhead(_ node: ConfigNode) -> LookAheadPolicy? {
        guard let mapping = node.mapping(keys: ["window", "cold_start", "utilization"]) else { return nil }
        let defaults = LookAheadPolicy()
        let window = mapping["window"].map { $0.duration(allowZero: false) } ?? defaults.window
        let coldStart = mapping["cold_start"].map { $0.duration(allowZero: false) } ?? defaults.assumedColdStart
        let utilizationNode = mapping["utilization"]
        let utilization = utilizationNode.map { $0.number(greaterThan: 0) } ?? defaults.utilization
        if let utilizationNode, let utilization, utilization > 1 {
            utilizationNode.report("utilization is the share of a worker's slots planned for arrivals, at most 1 (0.8 is 80%)")
            return nil
        }
        guard let window, let coldStart, let utilization else { return nil }
        return LookAheadPolicy(window: window, assumedColdStart: coldStart, utilization: utilization)
    }

    private func readAdaptiveIdle(_ node: ConfigNode) -> AdaptiveIdlePolicy? {
        guard let mapping = node.mapping(keys: ["min", "max", "coverage"]) else { return nil }
        let defaults = AdaptiveIdlePolicy()
        let minimum = mapping["min"].map { $0.duration(allowZero: false) } ?? defaults.minimum
        let maximumNode = mapping["max"]
        let maximum = maximumNode.map { $0.duration(allowZero: false) } ?? defaults.maximum
        let coverageNode = mapping["coverage"]
        let coverage = coverageNode.map { $0.number(greaterThan: 0) } ?? defaults.coverage
        if let coverageNode, let coverage, coverage > 1 {
            coverageNode.report("coverage is the share of idle gaps to keep a worker through, at most 1 (0.9 is 90%)")
            return nil
        }
        if let minimum, let maximum, minimum > maximum {
            (maximumNode ?? node).report("max \(DurationParser.format(maximum)) is below min \(DurationParser.format(minimum))")
            return nil
        }
        guard let minimum, let maximum, let coverage else { return nil }
        return AdaptiveIdlePolicy(minimum: minimum, maximum: maximum, coverage: coverage)
    }

    /// With `slo`, scalerd chooses when to release workers: a hand-set release timing would
    /// fight it, so it is refused, naming what to remove.
    private func refusesKnobs(alongside sloNode: ConfigNode, in mapping: ConfigMapping) -> Bool {
        var knobs = ["idle_timeout", "adaptive_idle_timeout"].filter { mapping[$0] != nil }
        if let scaleDown = mapping["scale_down"], case .mapping(let keys) = scaleDown.node,
           keys.contains(where: { $0.key.string == "stabilization" }) {
            knobs.append("scale_down.stabilization")
        }
        guard !knobs.isEmpty else { return false }
        sloNode.report("with slo, scalerd chooses when to release workers (one cold start, ski rental): remove \(knobs.joined(separator: " and ")), or remove slo to set them by hand")
        return true
    }

    private func readSLO(_ node: ConfigNode, type: PolicyType?, value: Double?) -> ServiceLevelObjective? {
        guard let mapping = node.mapping(keys: ["over_target", "window", "wait", "cold_start"]) else { return nil }
        let overTarget = mapping.required("over_target")?.share(within: ServiceLevelObjective.shares)
        let windowNode = mapping["window"]
        var window = windowNode.map { $0.duration(allowZero: false) } ?? ServiceLevelObjective.defaultWindow
        if let windowNode, let measured = window, !ServiceLevelObjective.windows.contains(measured) {
            windowNode.report("must be between \(DurationParser.format(ServiceLevelObjective.windows.lowerBound)) and \(DurationParser.format(ServiceLevelObjective.windows.upperBound)): the share is measured over it")
            window = nil
        }
        let coldStartNode = mapping["cold_start"]
        var coldStart = coldStartNode.map { $0.duration(allowZero: false) } ?? ServiceLevelObjective.defaultColdStart
        if let coldStartNode, let assumed = coldStart, assumed > ServiceLevelObjective.longestColdStart {
            coldStartNode.report("must be at most \(DurationParser.format(ServiceLevelObjective.longestColdStart)): the cold start assumed until one is measured")
            coldStart = nil
        }
        let waitNode = mapping["wait"]
        let wait: Double??
        switch type {
        case .queue?:
            if let waitNode {
                waitNode.report("a queue policy's wait is its value (\(value.map(LoadFormat.number) ?? "?")s): remove slo.wait")
                return nil
            }
            wait = value
        case .concurrency?:
            wait = mapping.required("wait").map { $0.duration(allowZero: false) }
        case nil:
            return nil
        }
        guard let overTarget, let window, let coldStart, let wait, let wait else { return nil }
        return ServiceLevelObjective(wait: wait, overTarget: overTarget, window: window, assumedColdStart: coldStart)
    }

    private func readFallback(_ node: ConfigNode) -> FallbackPolicy? {
        guard let mapping = node.mapping(keys: ["after_failures", "replicas"]) else { return nil }
        let replicas = mapping["replicas"].flatMap { $0.integer(atLeast: 0) }
        return mapping.required("after_failures")?.integer(atLeast: 1).map { FallbackPolicy(afterFailures: $0, replicas: replicas) }
    }
}
