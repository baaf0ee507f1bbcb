import ScalerCore

/// Reads and cross-checks one endpoint's `policy:` block. An invalid optional setting reads as
/// absent: its issue is already logged, and any logged issue refuses the whole file.
struct PolicyReader {
    let node: ConfigNode

    private static let keys = [
        "type", "value", "min_replicas", "max_replicas", "idle_timeout", "max_concurrent_per_worker",
        "scale_up", "scale_down", "fallback", "price_per_worker_hour", "max_spend_per_hour", "max_spend_per_day", "tolerance", "schedules",
    ]

    func read(maxMetricAge: Double) -> ScalingPolicy? {
        guard let mapping = node.mapping(keys: Self.keys) else { return nil }
        let type = mapping.required("type")?.choice(PolicyType.self)
        let value = mapping.required("value")?.number(greaterThan: 0)
        let minReplicas = mapping["min_replicas"].map { $0.integer(atLeast: 0) } ?? 0
        let maxReplicasNode = mapping.required("max_replicas")
        let maxReplicas = maxReplicasNode?.integer(atLeast: 1)
        let idleTimeout = mapping["idle_timeout"].map { $0.duration(allowZero: false) } ?? 300
        let perWorker = mapping["max_concurrent_per_worker"].map { $0.integer(atLeast: 1) } ?? 1
        let scaleUp = readDirection(mapping["scale_up"], defaultStabilization: 0)
        let scaleDown = readDirection(mapping["scale_down"], defaultStabilization: 300)
        let fallbackNode = mapping["fallback"]
        let fallback = fallbackNode.flatMap(readFallback)
        let budget = readBudget(mapping)
        let schedulesNode = mapping["schedules"]
        let schedules = schedulesNode.map { ScheduleReader(node: $0, minReplicas: minReplicas, maxReplicas: maxReplicas).read() }
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
        guard let type, let value, let minReplicas, let maxReplicas, let idleTimeout, let perWorker,
              let scaleUp, let scaleDown, budget.valid, tolerance != .some(nil), schedules != .some(nil) else { return nil }
        return ScalingPolicy(
            type: type, value: value, minReplicas: minReplicas, maxReplicas: maxReplicas,
            idleTimeout: idleTimeout, maxConcurrentPerWorker: perWorker,
            scaleUp: scaleUp, scaleDown: scaleDown, fallback: fallback, maxMetricAge: maxMetricAge,
            budget: budget.budget, tolerance: tolerance ?? nil, schedules: schedules ?? nil
        )
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

    private func readFallback(_ node: ConfigNode) -> FallbackPolicy? {
        guard let mapping = node.mapping(keys: ["after_failures", "replicas"]) else { return nil }
        let replicas = mapping["replicas"].flatMap { $0.integer(atLeast: 0) }
        return mapping.required("after_failures")?.integer(atLeast: 1).map { FallbackPolicy(afterFailures: $0, replicas: replicas) }
    }
}
