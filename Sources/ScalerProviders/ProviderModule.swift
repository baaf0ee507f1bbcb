import Foundation
import ScalerHTTP
import ScalerPorts

/// A provider as scalerd runs it: the descriptor's facts and how to make its client. Each
/// provider declares one, beside its client; `ProviderModules.all` lists them.
public struct ProviderModule: Sendable {
    public let descriptor: ProviderDescriptor
    let make: @Sendable (ProviderContext) -> ProviderParts

    public init(descriptor: ProviderDescriptor, make: @escaping @Sendable (ProviderContext) -> ProviderParts) {
        self.descriptor = descriptor
        self.make = make
    }

    public func parts(_ context: ProviderContext) -> ProviderParts { make(context) }
}

/// What a provider's client is made from: one config entry, already validated and resolved.
public struct ProviderContext: Sendable {
    /// The entry's `name`, which the journal and the metrics use.
    public var name: String
    public var api: APIDescriptor
    /// The control plane: `base_url`, or the API's documented host.
    public var baseURL: String
    /// Where queue counts are read: `health_base_url`, or the API's documented one.
    public var healthBaseURL: String?
    /// A transport to one of the provider's hosts, authenticated as that host wants (the API's
    /// `auth` for the control plane), under the provider's one rate limit.
    public var transport: @Sendable (_ baseURL: String, _ auth: APIDescriptor.Auth) -> ProviderTransport
    public var clock: @Sendable () -> Date
    /// What waits (operations followed) are measured on.
    public var monotonicClock: any Clock<Duration>
    /// How long one apply may follow the operations it started (instance pools).
    public var followFor: Double
    /// Instances a pool asked for and has not seen listed yet, kept across restarts.
    public var ledger: PoolLedger
    /// The built-in cloud's parameters (`kind: simulated` only).
    public var simulation: SimulationSettings

    public init(
        name: String, api: APIDescriptor, baseURL: String? = nil, healthBaseURL: String? = nil,
        transport: @escaping @Sendable (String, APIDescriptor.Auth) -> ProviderTransport, clock: @escaping @Sendable () -> Date = { Date() },
        monotonicClock: any Clock<Duration> = ContinuousClock(), followFor: Double = 2, ledger: PoolLedger = PoolLedger(), simulation: SimulationSettings = SimulationSettings()
    ) {
        self.name = name
        self.api = api
        self.baseURL = baseURL ?? api.baseURL
        self.healthBaseURL = healthBaseURL ?? api.healthBaseURL
        self.transport = transport
        self.clock = clock
        self.monotonicClock = monotonicClock
        self.followFor = followFor
        self.ledger = ledger
        self.simulation = simulation
    }

    /// The control plane's transport.
    public var control: ProviderTransport { transport(baseURL, api.auth) }
}

/// A provider's client, and the metric source of its endpoints where it reports any.
public struct ProviderParts: Sendable {
    public let provider: any Provider
    /// For an endpoint with `metrics.source: provider`: its id and, on an async gateway, its
    /// gateway name. `nil` where the provider reports nothing, which config validation refuses.
    public let metrics: @Sendable (_ endpointID: String, _ gatewayName: String?) -> (any MetricSource)?

    public init(provider: any Provider, metrics: @escaping @Sendable (String, String?) -> (any MetricSource)? = { _, _ in nil }) {
        self.provider = provider
        self.metrics = metrics
    }
}

/// Every provider this build drives.
public enum ProviderModules {
    public static let all: [ProviderModule] = [.runpod, .ppio, .novita, .gpugeek, .simulated]
    public static let catalog = ProviderCatalog(all.map(\.descriptor))

    public static func module(_ kind: ProviderKind) -> ProviderModule? {
        all.first { $0.descriptor.kind == kind }
    }

    /// The client for `kind`; one whose every call fails, saying why, for a kind this build lacks
    /// (a config checked against another catalog), so that nothing traps.
    public static func parts(_ kind: ProviderKind, _ context: ProviderContext) -> ProviderParts {
        module(kind)?.parts(context) ?? ProviderParts(provider: MissingProvider(kind: kind))
    }
}

struct MissingProvider: Provider {
    let kind: ProviderKind

    func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        throw ProviderError(.rejected, "this build has no provider of kind '\(kind)'")
    }

    func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        throw ProviderError(.rejected, "this build has no provider of kind '\(kind)'")
    }
}
