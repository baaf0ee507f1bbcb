import Foundation
import ScalerCore

let epoch = Date(timeIntervalSince1970: 1_800_000_000)

func at(_ seconds: Double) -> Date {
    epoch.addingTimeInterval(seconds)
}

func queuePolicy(
    target: Double = 4, min: Int = 0, max: Int = 10, idle: Double = 60,
    up: DirectionBehavior = .init(stabilization: 0), down: DirectionBehavior = .init(stabilization: 30),
    fallback: FallbackPolicy? = nil
) -> ScalingPolicy {
    ScalingPolicy(type: .queue, value: target, minReplicas: min, maxReplicas: max, idleTimeout: idle,
                  scaleUp: up, scaleDown: down, fallback: fallback, maxMetricAge: 30)
}

func concurrencyPolicy(
    perWorker: Double = 2, min: Int = 0, max: Int = 10, idle: Double = 60,
    up: DirectionBehavior = .init(stabilization: 0), down: DirectionBehavior = .init(stabilization: 30),
    fallback: FallbackPolicy? = nil
) -> ScalingPolicy {
    ScalingPolicy(type: .concurrency, value: perWorker, minReplicas: min, maxReplicas: max, idleTimeout: idle,
                  scaleUp: up, scaleDown: down, fallback: fallback, maxMetricAge: 30)
}

/// What one tick sees, stamped with the tick's time by `run`.
enum Load {
    case metrics(delay: Double? = nil, queued: Int? = nil, inFlight: Int? = nil, ready: Int? = nil)
    case failed
    case stale(age: Double)
    /// Idle: nothing queued, nothing running.
    static let idle = Load.metrics(delay: 0, queued: 0, inFlight: 0)

    func reading(at now: Date) -> MetricReading {
        switch self {
        case let .metrics(delay, queued, inFlight, ready):
            return .sample(MetricSample(takenAt: now, queueDelay: delay, queued: queued, inFlight: inFlight, readyWorkers: ready))
        case .failed:
            return .failure(.unavailable, "source unreachable")
        case .stale(let age):
            return .sample(MetricSample(takenAt: now.addingTimeInterval(-age), queueDelay: 0, queued: 0, inFlight: 0))
        }
    }
}

/// Runs one observation per `step` seconds from t=0, threading state and replicas through as
/// the daemon does.
func run(
    _ policy: ScalingPolicy, startingAt current: Int, step: Double = 5,
    _ loads: [Load], state: ScalerState = warmedState()
) -> [Decision] {
    var state = state
    var replicas = current
    var decisions: [Decision] = []
    for (index, load) in loads.enumerated() {
        let now = at(Double(index) * step)
        let decision = Autoscaler.decide(
            state: state, observation: Observation(metrics: load.reading(at: now), currentReplicas: replicas),
            policy: policy, now: now
        )
        decisions.append(decision)
        state = decision.nextState
        replicas = decision.desiredReplicas
    }
    return decisions
}

func decideOnce(_ policy: ScalingPolicy, current: Int, _ load: Load, state: ScalerState = warmedState()) -> Decision {
    run(policy, startingAt: current, [load], state: state)[0]
}

/// A state that has watched metrics for long enough that scale-down windows are full.
func warmedState(since: Double = -3600) -> ScalerState {
    ScalerState(observingSince: at(since))
}
