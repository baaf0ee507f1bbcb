import Foundation
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerJournal
import ScalerPorts

/// One endpoint's observe -> decide -> act for one tick, ending in the row that records it. The
/// tick runs the observing of every endpoint as one phase and the pushes as another
/// (`TickPhase`), each under one deadline.
struct EndpointEvaluation: Sendable {
    let runtime: EndpointRuntime
    let state: ScalerState
    /// An operator paused acting on this endpoint: decide and journal, never push.
    var paused = false
    /// Why no push may be made this tick: the journal could not record it.
    var journalUnavailable: String?
    /// Why this instance may not push this tick: another instance leads (`ha:`).
    var standby: String?
    /// Seconds each phase may take, for the failures that say so.
    let budget: Double
    let clock: @Sendable () -> Date

    /// What was seen and decided, and what is left to do.
    struct Decided: Sendable {
        let runtime: EndpointRuntime
        let observation: Observation
        let decision: Decision
        let plan: Plan
    }

    enum Plan: Sendable {
        /// Nothing to push: the outcome is known.
        case done(ActuationOutcome, [SettingDrift])
        /// Push `wanted`; `drift` is what it corrects.
        case push(ManagedSettings, drift: [SettingDrift])

        /// The settings to push, if any.
        var pushes: ManagedSettings? {
            guard case .push(let wanted, _) = self else { return nil }
            return wanted
        }
    }

    /// Reads the metrics and the provider together, then decides. A read the phase's deadline
    /// cancels is reported as a timeout.
    func observeAndDecide() async -> Decided {
        let runtime = self.runtime
        let budget = self.budget
        // The metric source in a child task, the provider's read in this one: both at once, for
        // one task's cost rather than two.
        async let metricReading = Self.observeMetrics(runtime.metrics, endpointID: runtime.config.id, budget: budget)
        let status = await Self.observeProvider(runtime.provider, endpoint: runtime.target, budget: budget)
        return decide(reading: await metricReading, status: status)
    }

    /// The phase ran out before this endpoint was read: it is decided on nothing, which holds.
    func unobserved() -> Decided {
        let why = "not read: the tick's \(budget)s for reads ran out first"
        return decide(reading: .failure(.timeout, why), status: .failure(ProviderError(.timeout, why)))
    }

    private func decide(reading: MetricReading, status: Result<EndpointStatus, ProviderError>) -> Decided {
        let reading = Self.completed(reading, from: try? status.get())
        let observation = Observation(metrics: reading, currentReplicas: try? status.get().replicas)
        let decision = Autoscaler.decide(state: state, observation: observation, policy: runtime.config.policy, now: clock())
        return Decided(runtime: runtime, observation: observation, decision: decision, plan: plan(decision, status: status))
    }

    /// A provider's read says how many workers are ready in the same answer that gives the
    /// replicas; where the metric source does not say, that count is used rather than none.
    static func completed(_ reading: MetricReading, from status: EndpointStatus?) -> MetricReading {
        guard case .sample(var sample) = reading, sample.readyWorkers == nil, let ready = status?.readyWorkers else { return reading }
        sample.readyWorkers = ready
        return .sample(sample)
    }

    /// Pushes only when the replica count or a drifted setting differs: a steady endpoint costs
    /// reads, not writes.
    private func plan(_ decision: Decision, status: Result<EndpointStatus, ProviderError>) -> Plan {
        let current: EndpointStatus
        switch status {
        case .failure(let error):
            return .done(runtime.config.mode == .dryRun ? .dryRun : .skipped("provider read failed: \(error.message)", kind: error.kind), [])
        case .success(let read): current = read
        }
        let wanted = runtime.limits.normalized(.wanted(
            replicas: decision.desiredReplicas, ceiling: decision.ceiling ?? runtime.config.policy.maxReplicas, policy: runtime.config.policy
        ))
        let drift = current.settings.drift(toward: wanted, control: runtime.config.policy.control)
        if runtime.config.mode == .dryRun { return .done(.dryRun, drift) }
        if paused { return .done(.skipped("paused by an operator"), drift) }
        if let standby { return .done(.standby(standby), drift) }
        if let why = journalUnavailable { return .done(.skipped(why, kind: .journalUnavailable), drift) }
        guard decision.desiredReplicas != current.replicas || !drift.isEmpty else { return .done(.unchanged, []) }
        return .push(wanted, drift: drift)
    }

    /// The push a plan asks for, timed; one the phase's deadline cancels is a timeout.
    static func push(_ wanted: ManagedSettings, for runtime: EndpointRuntime, budget: Double, clock: any Clock<Duration>) async -> (ActuationOutcome, Double) {
        let started = Stopwatch(clock)
        do {
            try await runtime.provider.apply(wanted, to: runtime.target)
            return (.applied, started.elapsed.seconds)
        } catch {
            if Task.isCancelled { return (.failed(kind: .timeout, message: DeadlineExceeded(seconds: budget).description), started.elapsed.seconds) }
            return (.failed(kind: error.kind, message: error.message), started.elapsed.seconds)
        }
    }

    private static func observeMetrics(_ source: any MetricSource, endpointID: String, budget: Double) async -> MetricReading {
        do {
            return .sample(try await source.sample(endpointID: endpointID))
        } catch {
            if Task.isCancelled { return .failure(.timeout, DeadlineExceeded(seconds: budget).description) }
            return .failure(error.kind, error.message)
        }
    }

    private static func observeProvider(_ provider: any Provider, endpoint: EndpointTarget, budget: Double) async -> Result<EndpointStatus, ProviderError> {
        do {
            return .success(try await provider.read(endpoint))
        } catch {
            if Task.isCancelled { return .failure(ProviderError(.timeout, DeadlineExceeded(seconds: budget).description)) }
            return .failure(error)
        }
    }
}

extension EndpointEvaluation.Decided {
    /// The row for this evaluation, once its outcome is known.
    func entry(_ outcome: ActuationOutcome, drift: [SettingDrift], latency: Double?) -> JournalEntry {
        JournalEntry(
            decision: decision, observation: observation, endpoint: runtime.config.name,
            provider: runtime.config.provider, mode: runtime.config.mode.rawValue,
            policyVersion: runtime.policyVersion, outcome: outcome, drift: drift, providerLatency: latency
        )
    }
}
