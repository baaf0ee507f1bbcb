import Foundation
import ScalerConfig
import ScalerCore
import ScalerHTTP
import ScalerJournal
import ScalerPorts

/// One endpoint's observe -> decide -> act for one tick, ending in the row that records it.
struct EndpointEvaluation: Sendable {
    let runtime: EndpointRuntime
    let state: ScalerState
    /// An operator paused acting on this endpoint: decide and journal, never push.
    var paused = false
    /// Why no push may be made this tick: the journal could not record it.
    var journalUnavailable: String?
    /// Seconds each of observe and act may take, so that the tick ends on time.
    let budget: Double
    let clock: @Sendable () -> Date
    /// What the deadlines wait on.
    let monotonicClock: any Clock<Duration>

    struct Outcome: Sendable {
        let endpoint: String
        let decision: Decision
        let outcome: ActuationOutcome
        let entry: JournalEntry
    }

    func run() async -> Outcome {
        let runtime = self.runtime
        async let metricReading = Self.observeMetrics(runtime.metrics, endpointID: runtime.config.id, budget: budget, clock: monotonicClock)
        async let providerRead = Self.observeProvider(runtime.provider, endpoint: runtime.target, budget: budget, clock: monotonicClock)
        let status = await providerRead
        let reading = Self.completed(await metricReading, from: try? status.get())
        let observation = Observation(metrics: reading, currentReplicas: try? status.get().replicas)
        let decision = Autoscaler.decide(state: state, observation: observation, policy: runtime.config.policy, now: clock())
        let (outcome, drift, latency) = await act(decision, status: status)
        let entry = JournalEntry(
            decision: decision, observation: observation, endpoint: runtime.config.name,
            provider: runtime.config.provider, mode: runtime.config.mode.rawValue,
            policyVersion: runtime.policyVersion, outcome: outcome, drift: drift, providerLatency: latency
        )
        return Outcome(endpoint: runtime.config.name, decision: decision, outcome: outcome, entry: entry)
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
    private func act(
        _ decision: Decision, status: Result<EndpointStatus, ProviderError>
    ) async -> (ActuationOutcome, [SettingDrift], Double?) {
        let current: EndpointStatus
        switch status {
        case .failure(let error):
            let outcome: ActuationOutcome = runtime.config.mode == .dryRun ? .dryRun : .skipped("provider read failed: \(error.message)", kind: error.kind)
            return (outcome, [], nil)
        case .success(let read): current = read
        }
        let wanted = runtime.limits.normalized(.wanted(
            replicas: decision.desiredReplicas, ceiling: decision.ceiling ?? runtime.config.policy.maxReplicas, policy: runtime.config.policy
        ))
        let drift = current.settings.drift(toward: wanted, control: runtime.config.policy.control)
        if runtime.config.mode == .dryRun { return (.dryRun, drift, nil) }
        if paused { return (.skipped("paused by an operator"), drift, nil) }
        if let why = journalUnavailable { return (.skipped(why, kind: .journalUnavailable), drift, nil) }
        guard decision.desiredReplicas != current.replicas || !drift.isEmpty else { return (.unchanged, [], nil) }
        let provider = runtime.provider
        let target = runtime.target
        let started = Stopwatch(monotonicClock)
        do {
            try await withDeadline(budget, on: monotonicClock) { try await provider.apply(wanted, to: target) }
            return (.applied, drift, started.elapsed.seconds)
        } catch let error as ProviderError {
            return (.failed(kind: error.kind, message: error.message), drift, started.elapsed.seconds)
        } catch let error as DeadlineExceeded {
            return (.failed(kind: .timeout, message: error.description), drift, started.elapsed.seconds)
        } catch {
            return (.failed(kind: .cancelled, message: "\(error)"), drift, started.elapsed.seconds)
        }
    }

    private static func observeMetrics(_ source: any MetricSource, endpointID: String, budget: Double, clock: any Clock<Duration>) async -> MetricReading {
        do {
            return .sample(try await withDeadline(budget, on: clock) { try await source.sample(endpointID: endpointID) })
        } catch let error as MetricError {
            return .failure(error.kind, error.message)
        } catch let error as DeadlineExceeded {
            return .failure(.timeout, error.description)
        } catch {
            return .failure(.cancelled, "\(error)")
        }
    }

    private static func observeProvider(_ provider: any Provider, endpoint: EndpointTarget, budget: Double, clock: any Clock<Duration>) async -> Result<EndpointStatus, ProviderError> {
        do {
            return .success(try await withDeadline(budget, on: clock) { try await provider.read(endpoint) })
        } catch let error as ProviderError {
            return .failure(error)
        } catch let error as DeadlineExceeded {
            return .failure(ProviderError(.timeout, error.description))
        } catch {
            return .failure(ProviderError(.cancelled, "\(error)"))
        }
    }
}
