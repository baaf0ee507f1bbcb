import Foundation
import ScalerHTTP
import ScalerPorts
import ScalerProviders
import ScalerTestSupport
import Testing

/// The error `operation` fails with, or nil if it succeeds.
func failure(of operation: () async throws -> Void) async -> ProviderError? {
    do {
        try await operation()
        return nil
    } catch let error as ProviderError {
        return error
    } catch {
        Issue.record("not a ProviderError: \(error)")
        return nil
    }
}

/// The contract every provider keeps on a write: what scalerd manages changes, nothing else does.
enum ProviderContract {
    /// Scales the endpoint between `low` and `high` `cycles` times (one write each way), and after
    /// every write checks that the stored endpoint, with the managed fields taken out by
    /// `unmanaged`, is exactly what it was before the first.
    static func cyclesKeepEveryUnmanagedField(
        _ provider: any Provider, state: FakeProviderState, id: String, limits: SettingLimits, cycles: Int = 50,
        low: Int = 0, high: Int = 5, scaler: ProviderScaler, unmanaged: (JSON) -> JSON
    ) async throws {
        let before = try #require(await state.endpoint(id))
        for cycle in 0..<(2 * cycles) {
            let replicas = cycle.isMultiple(of: 2) ? high : low
            let wanted = limits.normalized(ManagedSettings(minReplicas: replicas, maxReplicas: high + 2, idleTimeout: 17 + cycle % 3, scaler: scaler))
            try await provider.apply(wanted, endpointID: id)
            let after = try #require(await state.endpoint(id))
            #expect(unmanaged(after) == unmanaged(before), "write \(cycle + 1) changed a field scalerd does not manage")
            let read = try await provider.read(endpointID: id)
            #expect(read.replicas == replicas)
            #expect(read.settings.drift(toward: wanted).isEmpty, "write \(cycle + 1) left drift: \(read.settings.drift(toward: wanted))")
            if Task.isCancelled { return }
        }
    }

    /// The limits an API's descriptor declares.
    static func limits(_ module: ProviderModule, api: ProviderAPI? = nil) -> SettingLimits {
        module.descriptor.api(api)!.limits
    }
}
