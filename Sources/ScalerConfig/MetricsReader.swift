import Foundation

/// Reads an endpoint's `metrics:` block.
struct MetricsReader {
    let node: ConfigNode?
    let secrets: SecretResolver

    private static let keys = ["source", "max_age", "url", "queue_delay", "queued", "in_flight", "ready_workers", "bearer_token", "ttl", "gateway_name"]
    private static let metricKeys = ["queue_delay", "queued", "in_flight", "ready_workers"]

    /// A sample may be as old as three ticks (a source scraped less often than we tick), and at
    /// least 30 s, before it counts as missing.
    func read(tick: TimeInterval) -> (settings: MetricSettings, maxAge: TimeInterval)? {
        let defaultAge = max(30, 3 * tick)
        guard let node else { return (MetricSettings(source: .provider), defaultAge) }
        guard let mapping = node.mapping(keys: Self.keys) else { return nil }
        let source = mapping["source"].map { $0.choice(MetricSourceKind.self) } ?? .provider
        let maxAge = mapping["max_age"].map { $0.duration(allowZero: false) } ?? defaultAge
        guard let source, let maxAge else { return nil }
        var settings = MetricSettings(source: source)
        let remoteOnly = ["url", "bearer_token"] + Self.metricKeys
        if source == .provider || source == .push {
            for key in remoteOnly where mapping[key] != nil {
                mapping[key]?.report("only 'source: http' or 'source: prometheus' takes \(key)")
            }
        }
        if let gateway = mapping["gateway_name"] {
            if source == .provider { settings.gatewayName = gateway.string() } else { gateway.report("only 'source: provider' takes gateway_name") }
        }
        if source != .push, let ttl = mapping["ttl"] {
            ttl.report("only 'source: push' takes ttl")
        }
        if source == .push {
            // A pushed sample older than max_age counts as missing anyway: the TTL defaults to it.
            settings.ttl = mapping["ttl"].map { $0.duration(allowZero: false) } ?? maxAge
            return settings.ttl == nil ? nil : (settings, maxAge)
        }
        if source == .provider { return (settings, maxAge) }
        if let urlNode = mapping.required("url"), let text = urlNode.string() {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                settings.url = text
            } else {
                urlNode.report("'\(text)' is not an http(s) URL with a host")
            }
        }
        let read: (ConfigNode) -> String? = source == .http ? pointer : expression
        let pointers = Self.metricKeys.map { key in (key, mapping[key].flatMap(read)) }
        settings.queueDelay = pointers[0].1
        settings.queued = pointers[1].1
        settings.inFlight = pointers[2].1
        settings.readyWorkers = pointers[3].1
        if pointers.allSatisfy({ $0.1 == nil }) && Self.metricKeys.allSatisfy({ mapping[$0] == nil }) {
            let what = source == .http ? "a JSON Pointer" : "a PromQL expression"
            node.report("source \(source.rawValue) needs \(what) for at least one of \(Self.metricKeys.joined(separator: ", "))")
        }
        settings.bearerToken = mapping["bearer_token"].flatMap { $0.secret(using: secrets) }
        return (settings, maxAge)
    }

    private func expression(_ node: ConfigNode) -> String? {
        node.string()
    }

    private func pointer(_ node: ConfigNode) -> String? {
        guard let text = node.string() else { return nil }
        guard text.hasPrefix("/") else {
            node.report("'\(text)' is not a JSON Pointer (RFC 6901), which starts with '/', e.g. /jobs/inQueue")
            return nil
        }
        return text
    }
}
