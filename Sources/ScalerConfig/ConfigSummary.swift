import Foundation
import ScalerCore
import ScalerPorts

/// What `scalerd check` prints: what the daemon would run, with secrets masked.
public enum ConfigSummary {
    public static func text(of config: ScalerdConfig) -> String {
        var lines = [
            "config \(config.file): OK",
            "tick: \(DurationParser.format(config.tick))",
            "journal: \(config.journal.location)\(config.journal.postgres.map { $0.password.map { ", password \($0)" } ?? ", no password" } ?? "")",
            "log: level \(config.log.level.rawValue), format \(config.log.format.rawValue)",
            "admin: \(config.admin.listen)\(config.admin.token.map { ", token \($0)" } ?? ", no token (loopback only)")",
        ]
        if let ha = config.ha {
            let password = ha.server.password.map { ", password \($0)" } ?? ", no password"
            lines.append("ha: group \(ha.group) on \(ha.location)\(password), lease \(DurationParser.format(ha.lease))\(ha.shards > 1 ? ", \(ha.shards) shards (each with a leader of its own)" : "") (only the leader pushes; on_stop is not applied at a stop)")
        }
        lines.append("providers:")
        for provider in config.providers {
            var line = "  \(provider.name): kind \(provider.kind)"
            if let api = provider.api.name { line += ", api \(api)" }
            if let url = provider.baseURL { line += ", base_url \(url)" }
            if let url = provider.healthBaseURL { line += ", health_base_url \(url)" }
            if provider.descriptor.credentials == .apiKey {
                let timeout = provider.requestTimeout.map { DurationParser.format($0) } ?? "\(DurationParser.format(ProviderConfig.callBudget(tick: config.tick))) (the tick's share)"
                line += ", rate_limit \(LoadFormat.number(provider.rateLimit))/s, timeout \(timeout)"
            }
            if let key = provider.apiKey { line += ", api_key \(key)" }
            lines.append(line)
            if let simulation = provider.simulation {
                lines.append("    simulation: seed \(simulation.seed), cold_start \(DurationParser.format(simulation.coldStart)), service_time \(DurationParser.format(simulation.serviceTime)), peak_rps \(simulation.peakRPS), cycle \(DurationParser.format(simulation.cycle)), worker_concurrency \(simulation.workerConcurrency)")
            }
        }
        lines.append("endpoints:")
        for endpoint in config.endpoints {
            let policy = endpoint.policy
            lines.append("  \(endpoint.name): provider \(endpoint.provider), id \(endpoint.id), mode \(endpoint.mode.rawValue), policy version \(endpoint.policyVersion)")
            let target = policy.type == .queue ? "queue delay <= \(number(policy.value))s" : "\(number(policy.value)) concurrent requests per worker"
            lines.append("    policy: \(policy.type.rawValue) (\(target)), replicas \(policy.minReplicas)...\(policy.maxReplicas), idle_timeout \(DurationParser.format(policy.idleTimeout)), max_concurrent_per_worker \(policy.maxConcurrentPerWorker)")
            if let provider = config.provider(named: endpoint.provider) {
                lines.append("    pushes: \(pushesText(policy, api: provider.api))")
            }
            lines.append("    on_stop: \(endpoint.onStop.rawValue) (\(endpoint.onStop == .release ? "a graceful stop pushes min_replicas \(policy.minReplicas) as the floor" : "a graceful stop leaves the last floor"))")
            lines.append("    scale_up: \(directionText(policy.scaleUp))")
            if let slo = policy.slo {
                lines.append("    slo: at most \(LoadFormat.number(slo.overTarget * 100))% of requests waiting longer than \(DurationParser.format(slo.wait)), per \(DurationParser.format(slo.window)); scalerd keeps headroom for the load's learned rise within one cold start (\(DurationParser.format(slo.assumedColdStart)) until measured) and releases a worker one cold start after the load stops needing it")
                lines.append("    scale_down: released by the slo; \(directionText(policy.scaleDown, stabilization: false))")
            } else {
                lines.append("    scale_down: \(directionText(policy.scaleDown))")
            }
            for window in policy.schedules ?? [] {
                let bounds = [window.minReplicas.map { "min \($0)" }, window.maxReplicas.map { "max \($0)" }].compactMap { $0 }.joined(separator: ", ")
                let days = window.weekdays.count == 7 ? "every day" : window.weekdays.sorted().map { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][$0 - 1] }.joined(separator: ",")
                lines.append("    schedule \(window.name): \(days) \(ScheduleWindow.clock(window.startMinute))-\(ScheduleWindow.clock(window.endMinute)) \(window.timeZoneIdentifier), \(bounds)")
            }
            if let tolerance = policy.tolerance {
                lines.append("    tolerance: \(LoadFormat.number(tolerance * 100))%")
            }
            if let burst = policy.burst {
                lines.append("    burst: window \(DurationParser.format(burst.window)), threshold \(number(burst.threshold))x ready workers, hold \(DurationParser.format(burst.hold))")
            }
            if let lookAhead = policy.lookAhead {
                lines.append("    look_ahead: trend over \(DurationParser.format(lookAhead.window)), cold start \(DurationParser.format(lookAhead.assumedColdStart)) until measured, utilization \(number(lookAhead.utilization * 100))%")
            }
            if let adaptive = policy.adaptiveIdle {
                lines.append("    adaptive_idle_timeout: \(DurationParser.format(adaptive.minimum))...\(DurationParser.format(adaptive.maximum)), covering \(number(adaptive.coverage * 100))% of idle gaps")
            }
            if let fallback = policy.fallback {
                lines.append("    fallback: after \(fallback.afterFailures) failures, \(fallback.replicas.map { "at least \($0) replicas" } ?? "hold")")
            } else {
                lines.append("    fallback: none (hold on missing metrics)")
            }
            if let budget = policy.budget {
                let limits = [budget.maxSpendPerHour.map { "max $\(LoadFormat.number($0))/hour" }, budget.maxSpendPerDay.map { "max $\(LoadFormat.number($0))/day" }]
                    .compactMap { $0 }
                lines.append("    budget: $\(LoadFormat.number(budget.pricePerWorkerHour))/worker-hour\(limits.isEmpty ? ", no limit" : ", " + limits.joined(separator: ", "))")
            }
            lines.append("    metrics: \(metricsText(endpoint.metrics)), max_age \(DurationParser.format(policy.maxMetricAge))")
            if let instance = endpoint.instance {
                lines.append("    instance: \(instance.gpuNum)x \(instance.gpuName), image \(instance.imageID), billing \(instance.skuName.rawValue)\(instance.datacenterID.map { ", dc \($0)" } ?? "")")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func number(_ value: Double) -> String { LoadFormat.number(value) }

    /// What scalerd sets on the provider, in the provider's terms: the floor it decides, and the
    /// provider's own scaler and idle timeout that run above it between ticks.
    static func pushesText(_ policy: ScalingPolicy, api: APIDescriptor) -> String {
        let wanted = api.limits.normalized(.wanted(replicas: 0, ceiling: policy.maxReplicas, policy: policy))
        guard api.writes != .instancePool else {
            return "an instance pool of the decided size (at most \(policy.maxReplicas) instances at any moment); no scaler of the provider's own"
        }
        guard policy.control == .floor else {
            return "control exact: min = max = the decided replicas (at most \(policy.maxReplicas)); the provider's own scaler has no room"
        }
        var parts = ["control floor: min = the decided replicas", "max = \(wanted.maxReplicas.map(String.init) ?? "-")"]
        switch wanted.scaler {
        case .queueDelay(let seconds)?: parts.append("the provider's scaler on queue delay \(number(seconds))s")
        case .requestCount(let count)?: parts.append("the provider's scaler on \(count) requests per worker")
        case nil: parts.append("no scaler of the provider's own")
        }
        if let idle = wanted.idleTimeout {
            parts.append("provider idle timeout \(idle)s per worker\(policy.providerIdleTimeout == nil ? " (idle_timeout)" : "")")
        } else if api.limits.idleTimeout != nil {
            parts.append("no per-worker idle timeout (the API takes none with a request-count scaler)")
        }
        return parts.joined(separator: ", ")
    }

    private static func metricsText(_ metrics: MetricSettings) -> String {
        guard metrics.source != .provider, let url = metrics.url else { return "source \(metrics.source.rawValue)" }
        let pointers = [
            ("queue_delay", metrics.queueDelay), ("queued", metrics.queued),
            ("in_flight", metrics.inFlight), ("ready_workers", metrics.readyWorkers),
        ].compactMap { name, pointer in pointer.map { "\(name) \($0)" } }
        let token = metrics.bearerToken.map { ", bearer_token \($0)" } ?? ""
        return "source \(metrics.source.rawValue) \(url) (\(pointers.joined(separator: "; ")))\(token)"
    }

    private static func directionText(_ behavior: DirectionBehavior, stabilization: Bool = true) -> String {
        let window = stabilization ? "stabilization \(DurationParser.format(behavior.stabilization)), " : ""
        var text = "\(window)max_step \(behavior.maxStep.map(String.init) ?? "unlimited")"
        if let percent = behavior.maxPercent {
            text += ", max_percent \(LoadFormat.number(percent)) per \(DurationParser.format(behavior.period ?? DirectionBehavior.defaultPeriod))"
        }
        return text
    }
}
