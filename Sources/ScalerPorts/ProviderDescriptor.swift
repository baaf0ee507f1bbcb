/// What scalerd knows about a provider before it talks to it: the config it takes, what it can
/// report, how its API authenticates and writes, and the documented range of every setting
/// scalerd pushes. Pure facts, declared once in the provider's own file, so that config
/// validation, the runtime, normalization and the docs all read the same values.
public struct ProviderDescriptor: Sendable, Hashable {
    public enum Credentials: Sendable, Hashable {
        /// `api_key` is required.
        case apiKey
        /// Nothing to authenticate (the built-in simulator).
        case none
    }

    /// What `metrics.source: provider` can read for this provider's endpoints.
    public enum MetricCapability: Sendable, Hashable {
        /// Queue and worker counts for every endpoint.
        case everyEndpoint
        /// Only for async endpoints, on a gateway named `metrics.gateway_name`.
        case asyncGateway
        /// Nothing: metrics come from Prometheus, an HTTP source or pushes.
        case none
    }

    public let kind: ProviderKind
    /// One line for the docs and `check`.
    public let summary: String
    /// The APIs it offers, the default first.
    public let apis: [APIDescriptor]
    public let credentials: Credentials
    public let metrics: MetricCapability
    /// Endpoints need an `instance:` block: scalerd owns a pool of instances made from it.
    public let needsInstanceTemplate: Bool
    /// Provider entries take a `simulation:` block (the built-in cloud only).
    public let takesSimulation: Bool

    public init(
        kind: ProviderKind, summary: String, apis: [APIDescriptor], credentials: Credentials = .apiKey,
        metrics: MetricCapability, needsInstanceTemplate: Bool = false, takesSimulation: Bool = false
    ) {
        precondition(!apis.isEmpty, "a provider offers at least one API")
        self.kind = kind
        self.summary = summary
        self.apis = apis
        self.credentials = credentials
        self.metrics = metrics
        self.needsInstanceTemplate = needsInstanceTemplate
        self.takesSimulation = takesSimulation
    }

    public var defaultAPI: APIDescriptor { apis[0] }

    /// The API named, or the default when none is.
    public func api(_ name: ProviderAPI?) -> APIDescriptor? {
        guard let name else { return defaultAPI }
        return apis.first { $0.name == name }
    }
}

/// One of a provider's APIs.
public struct APIDescriptor: Sendable, Hashable {
    public enum Auth: Sendable, Hashable {
        /// `Authorization: Bearer <key>`.
        case bearer
        /// The key as the value of this header (GPUGeek's `gz-api-token`).
        case header(String)
        /// The key in this query parameter (RunPod GraphQL's `api_key`); redacted from every message.
        case query(String)
        case none
    }

    /// How an update treats what it is not sent.
    public enum Writes: Sendable, Hashable {
        /// Only the fields sent change.
        case partial
        /// The update replaces the endpoint: everything is read first and sent back.
        case replacesEndpoint
        /// Top-level fields are undocumented; the settings object is replaced whole: both are
        /// read first and sent back.
        case replacesSettingsObject
        /// No endpoint to write: scalerd creates and releases instances.
        case instancePool
        /// The built-in simulator.
        case simulated
    }

    /// `nil` when the provider offers one API and `api` takes no value.
    public let name: ProviderAPI?
    public let summary: String
    public let baseURL: String
    /// Where `metrics.source: provider` reads queue counts (RunPod's data plane, PPIO's and
    /// Novita's async gateways).
    public let healthBaseURL: String?
    public let auth: Auth
    public let writes: Writes
    public let limits: SettingLimits

    public init(
        name: ProviderAPI?, summary: String, baseURL: String, healthBaseURL: String? = nil, auth: Auth,
        writes: Writes, limits: SettingLimits
    ) {
        self.name = name
        self.summary = summary
        self.baseURL = baseURL
        self.healthBaseURL = healthBaseURL
        self.auth = auth
        self.writes = writes
        self.limits = limits
    }
}
