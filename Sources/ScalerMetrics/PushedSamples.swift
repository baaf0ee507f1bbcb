import Foundation
import ScalerCore
import ScalerPorts

/// Samples that gateways POST to the admin API (`source: push`), each kept until its TTL runs out.
public actor PushedSamples {
    private var samples: [String: (sample: MetricSample, expires: Date)] = [:]

    public init() {}

    public func store(_ sample: MetricSample, endpoint: String, ttl: TimeInterval) {
        samples[endpoint] = (sample, sample.takenAt.addingTimeInterval(ttl))
    }

    /// The endpoint's latest sample while it is fresh.
    public func latest(endpoint: String, now: Date) -> MetricSample? {
        guard let entry = samples[endpoint] else { return nil }
        guard entry.expires > now else {
            samples[endpoint] = nil
            return nil
        }
        return entry.sample
    }
}

/// `source: push`: the latest sample a gateway pushed for this endpoint, until its TTL runs out.
public struct PushSource: MetricSource {
    let samples: PushedSamples
    /// Pushes address endpoints by their scalerd name, not the provider's id.
    let endpointName: String
    let ttl: TimeInterval
    let clock: @Sendable () -> Date

    public init(samples: PushedSamples, endpointName: String, ttl: TimeInterval, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.samples = samples
        self.endpointName = endpointName
        self.ttl = ttl
        self.clock = clock
    }

    public func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        guard let sample = await samples.latest(endpoint: endpointName, now: clock()) else {
            throw MetricError(.noSample, "push: no sample for \(endpointName) within its \(Int(ttl))s ttl")
        }
        return sample
    }
}
