/// The provider reference that `scalerd providers` prints and `docs/configuration.md` carries,
/// rendered from the descriptors so that the two can never disagree.
extension ProviderCatalog {
    public func referenceTable() -> String {
        var lines = [
            "| kind | api | host | auth | an update | `source: provider` | replicas | idle timeout | queue-delay target | request-count target |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for descriptor in descriptors {
            for (index, api) in descriptor.apis.enumerated() {
                lines.append("| " + Self.cells(descriptor, api: api, isDefault: index == 0 && descriptor.apis.count > 1).joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func cells(_ descriptor: ProviderDescriptor, api: APIDescriptor, isDefault: Bool) -> [String] {
        let limits = api.limits
        let name: String = api.name.map { "`\($0)`" + (isDefault ? " (default)" : "") } ?? "—"
        let idle: String = limits.idleTimeout.map { range in
            Self.range(range) + " s" + (limits.idleTimeoutWithRequestCount ? "" : "; none with a request-count target")
        } ?? "none"
        let queue: String = limits.queueDelay.map { range in Self.range(range) + " s" + (limits.queueDelayWhole ? ", whole" : "") } ?? "none"
        let count: String = limits.requestCount.map { Self.range($0) } ?? "none"
        return [
            "`\(descriptor.kind)`", name, api.baseURL.isEmpty ? "in process" : api.baseURL, text(api.auth), text(api.writes),
            text(descriptor.metrics, health: api.healthBaseURL), range(limits.replicas), idle, queue, count,
        ]
    }

    static func range(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
    }

    static func range(_ range: ClosedRange<Double>) -> String {
        func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        return range.upperBound == .greatestFiniteMagnitude ? "≥ \(number(range.lowerBound))" : "\(number(range.lowerBound))–\(number(range.upperBound))"
    }

    static func text(_ auth: APIDescriptor.Auth) -> String {
        switch auth {
        case .bearer: return "`Authorization: Bearer`"
        case .header(let name): return "`\(name)` header"
        case .query(let name): return "`\(name)` query parameter"
        case .none: return "none"
        }
    }

    static func text(_ writes: APIDescriptor.Writes) -> String {
        switch writes {
        case .partial: return "changes only the fields sent"
        case .replacesEndpoint: return "replaces the endpoint: every documented field is read first and sent back"
        case .replacesSettingsObject: return "undocumented: every updatable field and the whole settings object are read first and sent back"
        case .instancePool: return "none: scalerd creates and releases instances"
        case .simulated: return "the built-in cloud"
        }
    }

    static func text(_ metrics: ProviderDescriptor.MetricCapability, health: String?) -> String {
        switch metrics {
        case .everyEndpoint: return health.map { "every endpoint (`\($0)`)" } ?? "every endpoint"
        case .asyncGateway: return "async endpoints, with `gateway_name`" + (health.map { " (`\($0)`)" } ?? "")
        case .none: return "none"
        }
    }
}
