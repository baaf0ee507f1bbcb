import Foundation
import ScalerCore
import ScalerPorts

/// Walks the YAML tree into typed config, reporting every problem on the way.
struct ConfigReader {
    let log: IssueLog
    let secrets: SecretResolver
    let catalog: ProviderCatalog
    let workingDirectory: String
    let checksHost: Bool

    static let defaultJournalPath = "/var/lib/scalerd/journal.sqlite"

    func read(_ root: ConfigNode, file: String) -> ScalerdConfig? {
        guard let top = root.mapping(keys: ["tick", "journal", "log", "admin", "ha", "on_stop", "providers", "endpoints"]) else { return nil }
        let defaultOnStop = top["on_stop"].map { $0.choice(OnStop.self) }
        let tick = top["tick"].map { $0.duration(allowZero: false) } ?? 5
        let journal = readJournal(top["journal"])
        let logSettings = readLog(top["log"])
        let admin = AdminReader(node: top["admin"], secrets: secrets, checksHost: checksHost).read()
        let ha = top["ha"].map { HAReader(node: $0, secrets: secrets, tick: tick ?? 5, journalDatabase: journal?.postgres).read() }
        let providerNodes = top.required("providers")?.sequence() ?? []
        let providers = providerNodes.compactMap { ProviderReader(node: $0, secrets: secrets, catalog: catalog, tick: tick ?? 5).read() }
        // Names of invalid providers count too: their own errors are reported, and endpoints that
        // name them should not add a second, misleading one.
        let declaredProviders = providerNodes.compactMap { $0.node.mapping?["name"]?.string }
        let endpoints = top.required("endpoints")?.sequence()?.compactMap { readEndpoint($0, tick: tick ?? 5) } ?? []
        checkNames(providers.map { ($0.name, $0.node) }, what: "provider")
        checkNames(endpoints.map { ($0.config.name, $0.node) }, what: "endpoint")
        for endpoint in endpoints where !declaredProviders.contains(endpoint.config.provider) {
            let known = declaredProviders
            let hint = NearestName.to(endpoint.config.provider, among: known).map { "; did you mean '\($0)'?" } ?? ""
            endpoint.providerNode.report("no provider named '\(endpoint.config.provider)' is defined\(hint) (defined: \(known.joined(separator: ", ")))")
        }
        checkProviderSpecifics(endpoints, providers: providers.map(\.config))
        guard let tick, let journal, let logSettings, let admin, defaultOnStop != .some(nil), ha != .some(nil) else { return nil }
        // What a graceful stop does: the endpoint's choice, else the file's, else hand the
        // endpoint back to the provider's own scaler where it has one; a pool keeps its instances.
        // The control mode is the endpoint's, else the default where the provider has a scaler of
        // its own to run above the floor, else exact.
        let configs = endpoints.map { endpoint in
            var config = endpoint.config
            let api = providers.first { $0.config.name == config.provider }?.config.api
            config.onStop = endpoint.onStop ?? (defaultOnStop ?? nil) ?? (api?.writes == .instancePool ? .hold : .release)
            config.policy.control = endpoint.control ?? (api?.limits.hasScaler == false ? .exact : ScalingPolicy.defaultControl)
            return config
        }
        return ScalerdConfig(
            file: file, tick: tick, journal: journal, log: logSettings, admin: admin, ha: ha ?? nil,
            providers: providers.map(\.config), endpoints: configs
        )
    }

    /// Checks that depend on the provider's kind, all from its descriptor: the API's documented
    /// ranges, what its metrics can report, and whether endpoints need an instance template.
    private func checkProviderSpecifics(
        _ endpoints: [EndpointEntry],
        providers: [ProviderConfig]
    ) {
        for endpoint in endpoints {
            guard let provider = providers.first(where: { $0.name == endpoint.config.provider }) else { continue }
            let name = endpoint.config.name, kind = provider.kind, limits = provider.api.limits
            let policy = endpoint.config.policy
            // A wider policy could never be applied.
            if policy.maxReplicas > limits.replicas.upperBound {
                endpoint.node.report("endpoint '\(name)': \(kind) allows at most \(limits.replicas.upperBound) replicas, max_replicas is \(policy.maxReplicas)")
            }
            if let seconds = policy.providerIdleTimeout {
                if policy.type == .concurrency, !limits.idleTimeoutWithRequestCount {
                    endpoint.node.report("endpoint '\(name)': \(kind)'s \(provider.api.name?.rawValue ?? "") api takes no idle timeout with a request-count scaler (policy type concurrency); remove policy.provider_idle_timeout")
                } else if let range = limits.idleTimeout {
                    if !range.contains(Int(seconds.rounded())) {
                        endpoint.node.report("endpoint '\(name)': policy.provider_idle_timeout \(DurationParser.format(seconds)) is outside \(kind)'s \(range.lowerBound)s...\(range.upperBound)s")
                    }
                } else {
                    endpoint.node.report("endpoint '\(name)': \(kind) has no per-worker idle timeout; remove policy.provider_idle_timeout")
                }
            }
            if endpoint.control == .floor, !limits.hasScaler, let controlNode = endpoint.controlNode {
                controlNode.report("endpoint '\(name)': \(kind) has no scaler of its own to run above a floor; use control: exact (the default there)")
            }
            checkProviderMetrics(endpoint.config, provider: provider.descriptor, node: endpoint.node)
            if provider.descriptor.needsInstanceTemplate, endpoint.instanceNode == nil {
                endpoint.node.report("endpoint '\(name)' on a \(kind) provider needs an instance: block (gpu_name, gpu_num, image_id, sku_name)")
            } else if !provider.descriptor.needsInstanceTemplate, let instanceNode = endpoint.instanceNode {
                instanceNode.report("only endpoints on a provider whose instances scalerd pools (gpugeek) take an instance: block")
            }
        }
    }

    /// `source: provider` reads what the descriptor says the provider reports.
    private func checkProviderMetrics(_ endpoint: EndpointConfig, provider: ProviderDescriptor, node: ConfigNode) {
        guard endpoint.metrics.source == .provider else { return }
        let name = endpoint.name, kind = provider.kind
        let hasGateway = endpoint.metrics.gatewayName != nil
        switch provider.metrics {
        case .asyncGateway where !hasGateway:
            node.report("endpoint '\(name)': \(kind) sync endpoints report only workers; set metrics.gateway_name (<endpoint-id>-<app-name>) for an async endpoint, or use metrics.source prometheus, http or push")
        case .none:
            node.report("endpoint '\(name)': \(kind) reports no request metrics; use metrics.source prometheus, http or push")
        case .everyEndpoint where hasGateway:
            node.report("endpoint '\(name)': metrics.gateway_name is for async gateways (\(catalog.descriptors.filter { $0.metrics == .asyncGateway }.map(\.kind.rawValue).joined(separator: ", ")))")
        default:
            break
        }
    }

    private func checkNames(_ names: [(String, ConfigNode)], what: String) {
        var seen: Set<String> = []
        for (name, node) in names where !seen.insert(name).inserted {
            node.report("duplicate \(what) name '\(name)'")
        }
    }

    private func readJournal(_ node: ConfigNode?) -> JournalSettings? {
        guard let node else { return checkedJournal(Self.defaultJournalPath, node: nil) }
        guard let mapping = node.mapping(keys: ["path", "url", "password", "retention", "hold_write_interval"]) else { return nil }
        let holdWriteInterval = readHoldWriteInterval(mapping["hold_write_interval"])
        let retentionNode = mapping["retention"]
        let retention = retentionNode.map { $0.duration(allowZero: false) }
        if let retentionNode, let days = retention ?? nil, days < 86_400 {
            retentionNode.report("retention must be at least 1d: an audit journal kept for less is hardly one")
            return nil
        }
        let pathNode = mapping["path"]
        if let pathNode, pathNode.isNull {
            pathNode.report("a file path is needed (null would name a file called 'null')")
            return nil
        }
        let store: JournalSettings.Store?
        if let urlNode = mapping["url"] {
            if let pathNode {
                pathNode.report("a journal is a file (path) or a PostgreSQL database (url), not both")
                return nil
            }
            store = PostgresURLReader(secrets: secrets).read(url: urlNode, password: mapping["password"], passwordKey: "journal.password (env:, file: or credential:)").map { .postgres($0) }
        } else {
            if let password = mapping["password"] {
                password.report("journal.password goes with journal.url; a journal file has none")
                return nil
            }
            let path = pathNode.map { $0.string() } ?? Self.defaultJournalPath
            store = path.flatMap { checkedJournal($0, node: pathNode ?? node) }?.store
        }
        guard let store, retention != .some(nil), let holdWriteInterval else { return nil }
        return JournalSettings(store: store, retention: retention ?? nil, holdWriteInterval: holdWriteInterval)
    }

    /// What a crash may cost a hold run's repeats, so bounded: a minute at most.
    private func readHoldWriteInterval(_ node: ConfigNode?) -> Double? {
        guard let node else { return JournalSettings.defaultHoldWriteInterval }
        guard let seconds = node.duration(allowZero: true) else { return nil }
        guard seconds <= 60 else {
            node.report("must be at most 1m: a crash loses up to this much of a steady endpoint's record")
            return nil
        }
        return seconds
    }

    /// The journal must be a file that can be written now, in a directory that exists, so that
    /// the daemon does not start and then fail at its first write: the checks `run` would meet.
    private func checkedJournal(_ path: String, node: ConfigNode?) -> JournalSettings? {
        let absolute = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        let standardized = (absolute as NSString).standardizingPath
        let directory = (standardized as NSString).deletingLastPathComponent
        let problem: String?
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || standardized == "/" {
            problem = "\(path) names a directory; journal.path is the journal's file"
        } else if standardized.utf8.count + 4 > Int(PATH_MAX) - 1 {
            problem = "the path is longer than the \(PATH_MAX - 5) bytes that leave room for its -wal and -shm files"
        } else if !checksHost {
            problem = nil
        } else if FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                problem = "\(standardized) is a directory; journal.path is the journal's file"
            } else if !FileManager.default.isWritableFile(atPath: standardized) {
                problem = "\(standardized) is not writable by this user"
            } else {
                problem = nil
            }
        } else if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            problem = "directory \(directory) does not exist"
        } else if !FileManager.default.isWritableFile(atPath: directory) {
            problem = "directory \(directory) is not writable by this user"
        } else {
            problem = nil
        }
        if let problem {
            log.report(node?.path ?? "journal.path", node?.node, "journal cannot be written: \(problem)")
            return nil
        }
        return JournalSettings(path: standardized)
    }

    private func readLog(_ node: ConfigNode?) -> LogSettings? {
        var settings = LogSettings(level: .info, format: .text)
        guard let node else { return settings }
        guard let mapping = node.mapping(keys: ["level", "format"]) else { return nil }
        if let level = mapping["level"] {
            guard let value = level.choice(LogLevelSetting.self) else { return nil }
            settings.level = value
        }
        if let format = mapping["format"] {
            guard let value = format.choice(LogFormat.self) else { return nil }
            settings.format = value
        }
        return settings
    }

    private func readEndpoint(_ node: ConfigNode, tick: TimeInterval) -> EndpointEntry? {
        guard let mapping = node.mapping(keys: ["name", "provider", "id", "mode", "policy", "metrics", "instance", "on_stop"]) else { return nil }
        let name = mapping.required("name")?.string()
        let providerNode = mapping.required("provider")
        let provider = providerNode?.string()
        let id = mapping.required("id")?.string()
        let mode = mapping["mode"].map { $0.choice(EndpointMode.self) } ?? .enforce
        let metrics = MetricsReader(node: mapping["metrics"], secrets: secrets).read(tick: tick)
        let policyNode = mapping.required("policy")
        let policy = policyNode.flatMap { PolicyReader(node: $0).read(maxMetricAge: metrics?.maxAge ?? 30) }
        let controlNode = policyNode.flatMap(PolicyReader.controlNode(in:))
        let instance = mapping["instance"].flatMap { InstanceTemplateReader(node: $0).read() }
        let onStop = mapping["on_stop"].map { $0.choice(OnStop.self) }
        guard let name, let provider, let providerNode, let id, let mode, let policy, let metrics, onStop != .some(nil) else { return nil }
        let config = EndpointConfig(name: name, provider: provider, id: id, mode: mode, policy: policy, metrics: metrics.settings, instance: instance)
        return EndpointEntry(
            node: mapping["name"] ?? node, providerNode: providerNode, config: config, instanceNode: mapping["instance"],
            onStop: onStop ?? nil, controlNode: controlNode, control: controlNode == nil ? nil : policy.control
        )
    }
}

/// One endpoint as read, before the settings whose defaults depend on its provider.
struct EndpointEntry {
    var node: ConfigNode
    var providerNode: ConfigNode
    var config: EndpointConfig
    var instanceNode: ConfigNode?
    var onStop: OnStop?
    /// `policy.control` when the file sets it.
    var controlNode: ConfigNode?
    var control: ControlMode?
}
