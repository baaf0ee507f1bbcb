import Foundation
import ScalerCore
import ScalerHTTP
import ScalerMetrics
import ScalerProviders

/// A provider that answers after a delay, or fails, to prove the controller contains both.
struct ScriptedProvider: Provider {
    var replicas = 1
    var readDelay: Duration = .zero
    var applyError: ProviderError?
    /// Live settings to report; by default only the replica count.
    var settings: ManagedSettings?

    func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        do {
            try await Task.sleep(for: readDelay)
        } catch {
            throw ProviderError(.cancelled, "cancelled")
        }
        return EndpointStatus(settings: settings ?? ManagedSettings(minReplicas: replicas), readyWorkers: replicas)
    }

    func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError) {
        if let applyError { throw applyError }
    }
}

/// A fixed sample, stamped now.
struct FixedMetrics: MetricSource {
    var inFlight: Int
    var delay: Duration = .zero

    func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw MetricError("cancelled")
        }
        return MetricSample(takenAt: Date(), queueDelay: 0, queued: 0, inFlight: inFlight, readyWorkers: 1)
    }
}
