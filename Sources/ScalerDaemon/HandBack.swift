import Foundation
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerJournal
import ScalerPorts

/// A graceful stop's last act: each endpoint left as its `on_stop` says. `release` pushes
/// `min_replicas` as the floor, so that the provider's own scaler carries the endpoint (a pool is
/// released down to it); `hold` leaves the last floor.
enum HandBack {
    /// How long the hand-back may take, all endpoints together: a stop must end inside systemd's
    /// `TimeoutStopSec` (60 s in the shipped unit) after the tick in flight (at most 40% of a tick)
    /// whatever the providers do, and an unanswered push is not worth waiting a tick for.
    static func budget(tick: Double) -> Double {
        min(20, max(1, tick * 4))
    }

    /// Hands each endpoint back as its `on_stop` says, all at once, each within `seconds`.
    static func run(_ runtimes: [EndpointRuntime], paused: Set<String>, within seconds: Double, clock: any Clock<Duration>) async -> [HandBackRecord] {
        await withTaskGroup(of: HandBackRecord.self) { group in
            for runtime in runtimes {
                group.addTask { await handBack(runtime, paused: paused.contains(runtime.config.name), within: seconds, clock: clock) }
            }
            var results: [HandBackRecord] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.endpoint < $1.endpoint }
        }
    }

    private static func handBack(_ runtime: EndpointRuntime, paused: Bool, within seconds: Double, clock: any Clock<Duration>) async -> HandBackRecord {
        let config = runtime.config
        guard config.onStop == .release else { return HandBackRecord(endpoint: config.name, onStop: config.onStop, action: .held) }
        guard config.mode == .enforce, !paused else {
            return HandBackRecord(endpoint: config.name, onStop: .release, action: .skipped, detail: paused ? "paused by an operator" : "dry-run")
        }
        // Released means the provider's own scaler carries it again, whatever the control mode.
        let wanted = runtime.limits.normalized(.wanted(
            replicas: config.policy.minReplicas, ceiling: config.policy.maxReplicas, policy: config.policy, control: .floor
        ))
        var record = HandBackRecord(endpoint: config.name, onStop: .release, action: .released, pushedMinReplicas: wanted.minReplicas)
        let provider = runtime.provider, target = runtime.target
        do {
            try await withDeadline(seconds, on: clock) { try await provider.apply(wanted, to: target) }
            record.outcome = .ok
        } catch let error as ProviderError {
            record.outcome = .error
            record.errorKind = error.kind
            record.detail = error.message
        } catch {
            record.outcome = .error
            record.errorKind = .timeout
            record.detail = "no answer within \(Int(seconds.rounded(.up))) s"
        }
        return record
    }
}
