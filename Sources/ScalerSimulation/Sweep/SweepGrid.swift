import Foundation
import ScalerCore
import ScalerPorts

/// The knobs operators of each autoscaler turn, each over a grid around its published default,
/// and scalerd over its own. Every anchor's default (the row `scalerd simulate` reports for it)
/// is one of its points, marked.
public struct SweepGrid: Sendable {
    public static let scalerdFamily = "scalerd"
    static let floors = [0, 1, 2, 3]

    public var policy: ScalingPolicy
    public var tick: Double
    public var model: WorkerModel
    public var limits: SettingLimits
    /// The most workers the trace needs at once: static provisioning's largest count.
    public var peakWorkers: Int
    public var epoch: Date

    public init(policy: ScalingPolicy, tick: Double, model: WorkerModel, limits: SettingLimits, peakWorkers: Int, epoch: Date = ScalerdStrategy.defaultEpoch) {
        self.policy = policy
        self.tick = tick
        self.model = model
        self.limits = limits
        self.peakWorkers = peakWorkers
        self.epoch = epoch
    }

    public var families: [SweepFamily] {
        [scalerd, hpa, knative, runPod, ray, staticCounts]
    }

    /// One worker's worth of load for the concurrency-driven anchors, as `Baselines` reads it.
    private var perWorker: Double { policy.type == .concurrency ? policy.value : Double(model.concurrency) }
    private var maxReplicas: Int { policy.maxReplicas }

    /// The grid's small floors, half and three quarters of the trace's peak (where only warm
    /// capacity keeps a burst's first requests within target), and the configured one, within
    /// the policy's maximum: the same for every family.
    private func floors(atLeast lowest: Int = 0) -> [Int] {
        let large = [peakWorkers / 2, peakWorkers * 3 / 4]
        return Array(Set(Self.floors + large + [policy.minReplicas]).filter { $0 >= lowest && $0 <= maxReplicas }).sorted()
    }

    /// The target's multiples swept: looser queue delays trade waiting for cost; concurrency
    /// targets around one worker's slots.
    private var targetScales: [Double] { policy.type == .queue ? [0.25, 0.5, 1, 2, 4] : [0.5, 0.75, 1, 1.5] }

    var scalerd: SweepFamily {
        let controls: [ControlMode] = limits.hasScaler ? [.floor, .exact] : [.exact]
        var members: [SweepMember] = []
        for control in controls {
            for scale in targetScales {
                for floor in floors() {
                    for window in [30.0, 120, 300] {
                        for idle in [30.0, 60, 300] {
                            for lookAhead in [false, true] {
                                var variant = policy
                                variant.control = control
                                variant.value = policy.value * scale
                                variant.minReplicas = floor
                                // A fallback below the floor is refused by the config reader.
                                if let fallback = variant.fallback?.replicas { variant.fallback?.replicas = max(fallback, floor) }
                                variant.scaleDown.stabilization = window
                                variant.idleTimeout = idle
                                variant.adaptiveIdle = nil
                                // Each member is a setting of the knobs; an SLO policy, which
                                // sets them itself, runs as configured beside them.
                                variant.slo = nil
                                variant.lookAhead = lookAhead ? policy.lookAhead ?? LookAheadPolicy() : nil
                                let settings = "\(control.rawValue), \(target(variant.value)), min \(floor), down \(seconds(window)), idle \(seconds(idle))\(lookAhead ? ", look-ahead" : "")"
                                members.append(SweepMember(settings: settings, isDefault: variant == policy, strategy: controlled(variant), policy: variant))
                            }
                        }
                    }
                }
            }
        }
        if !members.contains(where: \.isDefault) {
            members.append(SweepMember(settings: policy.slo == nil ? "as configured" : "slo, as configured", isDefault: true, strategy: controlled(policy), policy: policy))
        }
        return SweepFamily(
            name: Self.scalerdFamily,
            knobs: "control \(controls.map(\.rawValue).joined(separator: "/")), target \(targetScales.map { unit(policy.value * $0) }.joined(separator: "/")), "
                + "min_replicas \(list(floors())), scale-down window 30s/2m/5m, idle_timeout 30s/1m/5m, look_ahead off/on",
            members: members
        )
    }

    private func target(_ value: Double) -> String { "target \(unit(value))" }
    private func unit(_ value: Double) -> String {
        policy.type == .queue ? "\(CompactNumber.text(value))s" : "\(CompactNumber.text(value))/worker"
    }

    private func controlled(_ variant: ScalingPolicy) -> ProviderControlledStrategy {
        ProviderControlledStrategy(
            scalerd: ScalerdStrategy(policy: variant, tick: tick, epoch: epoch), limits: limits,
            providerIdleTimeout: model.providerIdleTimeout, perWorker: model.concurrency
        )
    }

    var hpa: SweepFamily {
        let defaultFloor = max(1, policy.minReplicas)
        var members: [SweepMember] = []
        for window in [0.0, 60, 300, 600] {
            for share in [0.5, 0.7, 1.0] {
                for floor in floors(atLeast: 1) {
                    members.append(SweepMember(
                        settings: "window \(seconds(window)), target \(CompactNumber.text(perWorker * share)), min \(floor)",
                        isDefault: window == 300 && share == 1 && floor == defaultFloor,
                        strategy: HPAStrategy(targetPerWorker: perWorker * share, minReplicas: floor, maxReplicas: maxReplicas, downWindow: window)
                    ))
                }
            }
        }
        return SweepFamily(name: "k8s-hpa", knobs: "scale-down stabilization 0/1m/5m/10m, target 50/70/100% of a worker, minReplicas \(list(floors(atLeast: 1)))", members: members)
    }

    var knative: SweepFamily {
        var members: [SweepMember] = []
        for utilization in [0.5, 0.7, 0.9] {
            for window in [30.0, 60, 120, 300] {
                for floor in floors() {
                    members.append(SweepMember(
                        settings: "utilization \(Int(utilization * 100))%, stable \(seconds(window)), min-scale \(floor)",
                        isDefault: utilization == 0.7 && window == 60 && floor == policy.minReplicas,
                        strategy: KnativeStrategy(containerConcurrency: perWorker, minReplicas: floor, maxReplicas: maxReplicas, utilization: utilization, stableWindow: window)
                    ))
                }
            }
        }
        return SweepFamily(name: "knative-kpa", knobs: "target utilization 50/70/90%, stable window 30s/1m/2m/5m, min-scale \(list(floors()))", members: members)
    }

    var runPod: SweepFamily {
        let defaultDelay = policy.type == .queue ? policy.value : 4
        // RunPod REST takes queue delays from 0.5 s.
        let delays = Array(Set([0.5, 1, 2, 4, 8, defaultDelay])).sorted()
        let counts = Array(Set([max(1, (perWorker / 2).rounded(.up)), perWorker])).sorted()
        var members: [SweepMember] = []
        for idle in [5.0, 30, 60, 300] {
            for floor in floors() {
                for delay in delays {
                    members.append(SweepMember(
                        settings: "queue delay \(seconds(delay)), idle \(seconds(idle)), active \(floor)",
                        isDefault: delay == defaultDelay && idle == model.providerIdleTimeout && floor == policy.minReplicas,
                        strategy: RunPodQueueDelayStrategy(threshold: delay, idleTimeout: idle, perWorker: model.concurrency, minReplicas: floor, maxReplicas: maxReplicas)
                    ))
                }
                for count in counts {
                    members.append(SweepMember(
                        settings: "request count \(CompactNumber.text(count)), idle \(seconds(idle)), active \(floor)", isDefault: false,
                        strategy: RunPodRequestCountStrategy(requestsPerWorker: count, idleTimeout: idle, minReplicas: floor, maxReplicas: maxReplicas)
                    ))
                }
            }
        }
        return SweepFamily(
            name: "runpod",
            knobs: "scaler QUEUE_DELAY \(delays.map(seconds).joined(separator: "/")) or REQUEST_COUNT \(counts.map { CompactNumber.text($0) }.joined(separator: "/")), idle timeout 5s/30s/1m/5m, active workers \(list(floors()))",
            members: members
        )
    }

    var ray: SweepFamily {
        let defaultTarget = min(2, Double(model.concurrency))
        let targets = Array(Set([1, defaultTarget, Double(model.concurrency)])).sorted()
        var members: [SweepMember] = []
        for delay in [60.0, 300, 600] {
            for target in targets {
                for floor in floors(atLeast: 1) {
                    members.append(SweepMember(
                        settings: "downscale delay \(seconds(delay)), target \(CompactNumber.text(target)), min \(floor)",
                        isDefault: delay == 600 && target == defaultTarget && floor == max(1, policy.minReplicas),
                        strategy: RayServeStrategy(targetOngoing: target, minReplicas: floor, maxReplicas: maxReplicas, downscaleDelay: delay)
                    ))
                }
            }
        }
        return SweepFamily(name: "ray-serve", knobs: "downscale delay 1m/5m/10m, target ongoing requests \(targets.map { CompactNumber.text($0) }.joined(separator: "/")), min_replicas \(list(floors(atLeast: 1)))", members: members)
    }

    var staticCounts: SweepFamily {
        let peak = max(1, min(peakWorkers, maxReplicas))
        let members = (1...peak).map { count in
            SweepMember(settings: "\(count) workers", isDefault: count == peak, strategy: StaticStrategy(replicas: count))
        }
        return SweepFamily(name: "static", knobs: "every count from 1 to the peak (\(peak))", members: members)
    }

    private func seconds(_ value: Double) -> String { DurationText.compact(value) }
    private func list(_ values: [Int]) -> String { values.map(String.init).joined(separator: "/") }
}
