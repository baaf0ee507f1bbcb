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

    /// Hands each endpoint back as its `on_stop` says, within `seconds` for all: the releases as
    /// one phase (`TickPhase`), 32 at a time under one deadline, as a tick pushes; a task and a
    /// timer per endpoint made a stop at 10,000 endpoints cost 70 MB.
    static func run(_ runtimes: [EndpointRuntime], paused: Set<String>, within seconds: Double, clock: any Clock<Duration>) async -> [HandBackRecord] {
        var records: [HandBackRecord] = []
        var releases: [(runtime: EndpointRuntime, wanted: ManagedSettings, record: HandBackRecord)] = []
        for runtime in runtimes {
            switch plan(runtime, paused: paused.contains(runtime.config.name)) {
            case .done(let record): records.append(record)
            case .release(let wanted, let record): releases.append((runtime, wanted, record))
            }
        }
        let phase = TickPhase(seconds: seconds, width: 32, clock: clock)
        records += await phase.run(
            releases,
            operation: { release in await push(release.wanted, to: release.runtime, record: release.record, within: seconds) },
            unreached: { release in
                var record = release.record
                (record.outcome, record.errorKind) = (.error, .timeout)
                record.detail = "not pushed: the stop's \(Int(seconds.rounded(.up))) s ran out first"
                return record
            }
        )
        return records.sorted { $0.endpoint < $1.endpoint }
    }

    private enum Plan {
        case done(HandBackRecord)
        case release(ManagedSettings, HandBackRecord)
    }

    private static func plan(_ runtime: EndpointRuntime, paused: Bool) -> Plan {
        let config = runtime.config
        guard config.onStop == .release else { return .done(HandBackRecord(endpoint: config.name, onStop: config.onStop, action: .held)) }
        guard config.mode == .enforce, !paused else {
            return .done(HandBackRecord(endpoint: config.name, onStop: .release, action: .skipped, detail: paused ? "paused by an operator" : "dry-run"))
        }
        // Released means the provider's own scaler carries it again, whatever the control mode.
        let wanted = runtime.limits.normalized(.wanted(
            replicas: config.policy.minReplicas, ceiling: config.policy.maxReplicas, policy: config.policy, control: .floor
        ))
        return .release(wanted, HandBackRecord(endpoint: config.name, onStop: .release, action: .released, pushedMinReplicas: wanted.minReplicas))
    }

    /// The release's push; one the phase's deadline cancels is a timeout.
    private static func push(_ wanted: ManagedSettings, to runtime: EndpointRuntime, record: HandBackRecord, within seconds: Double) async -> HandBackRecord {
        var record = record
        do {
            try await runtime.provider.apply(wanted, to: runtime.target)
            record.outcome = .ok
        } catch {
            record.outcome = .error
            if Task.isCancelled {
                record.errorKind = .timeout
                record.detail = "no answer within \(Int(seconds.rounded(.up))) s"
            } else {
                record.errorKind = error.kind
                record.detail = error.message
            }
        }
        return record
    }
}
