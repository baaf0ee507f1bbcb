import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP
import ScalerMetrics
import ScalerProviders

/// A provider that answers after a delay, or fails, to prove the controller contains both.
struct ScriptedProvider: Provider {
    var replicas = 1
    var readDelay: Duration = .zero
    /// What the delay is slept on.
    var clock: any Clock<Duration> = ContinuousClock()
    var applyError: ProviderError?
    /// How long a push takes to be answered, on `clock`.
    var applyDelay: Duration = .zero
    /// Where pushes that were answered are kept.
    var applied: AppliedSettings?
    /// Where every push is kept as it is answered, refused ones included.
    var attempted: AppliedSettings?
    /// Live settings to report; by default only the replica count.
    var settings: ManagedSettings?

    func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        do {
            try await clock.sleep(for: readDelay)
        } catch {
            throw ProviderError(.cancelled, "cancelled")
        }
        return EndpointStatus(settings: settings ?? ManagedSettings(minReplicas: replicas), readyWorkers: replicas)
    }

    func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        do {
            try await clock.sleep(for: applyDelay)
        } catch {
            throw ProviderError(.cancelled, "cancelled")
        }
        await attempted?.keep(wanted, for: endpoint.id)
        if let applyError { throw applyError }
        await applied?.keep(wanted, for: endpoint.id)
    }
}

/// The settings a double was asked to apply, by endpoint id.
actor AppliedSettings {
    private(set) var byEndpoint: [String: [ManagedSettings]] = [:]

    func keep(_ settings: ManagedSettings, for endpoint: String) {
        byEndpoint[endpoint, default: []].append(settings)
    }
}

/// A fixed sample, stamped now.
struct FixedMetrics: MetricSource {
    var inFlight: Int
    var delay: Duration = .zero
    var clock: any Clock<Duration> = ContinuousClock()

    func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        do {
            try await clock.sleep(for: delay)
        } catch {
            throw MetricError(.cancelled, "cancelled")
        }
        return MetricSample(takenAt: Date(), queueDelay: 0, queued: 0, inFlight: inFlight, readyWorkers: 1)
    }
}

extension SettingLimits {
    /// A provider that takes any value, for doubles that keep what they are given.
    static let anything = SettingLimits(
        replicas: 0...Int.max, idleTimeout: 0...Int.max, queueDelay: 0...Double.greatestFiniteMagnitude, requestCount: 1...Int.max
    )
}
