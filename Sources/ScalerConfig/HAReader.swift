import Foundation
import ScalerCore

/// Reads the `ha:` block: `url`, `password`, `lease` and `group`.
struct HAReader {
    let node: ConfigNode
    let secrets: SecretResolver
    let tick: Double

    /// At least this many ticks per lease: a third is the margin, and the rest leaves one
    /// renewal that may fail or be late without the leader stopping.
    static let ticksPerLease = 3.0

    func read() -> HASettings? {
        guard let mapping = node.mapping(keys: ["url", "password", "lease", "group"]) else { return nil }
        let location = mapping.required("url").flatMap(parseURL)
        let password = mapping["password"].flatMap { $0.secret(using: secrets) }
        let lease = mapping["lease"].map { $0.duration(allowZero: false) } ?? HASettings.defaultLease
        let group = mapping["group"].map(readGroup) ?? HASettings.defaultGroup
        if let lease, let leaseNode = mapping["lease"], lease < Self.ticksPerLease * tick {
            leaseNode.report("must be at least 3 ticks (\(DurationText.compact(Self.ticksPerLease * tick))): the leader renews it every tick and stops acting a third of it before it runs out")
            return nil
        }
        guard var settings = location, let lease, let group, mapping["password"] == nil || password != nil else { return nil }
        settings.password = password
        settings.lease = lease
        settings.group = group
        return settings
    }

    /// `postgres://user@host:port/database?sslmode=require`, never with a password in it.
    private func parseURL(_ node: ConfigNode) -> HASettings? {
        guard let text = node.string() else { return nil }
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            node.report("expected postgres://user@host:5432/database, found '\(text)'")
            return nil
        }
        guard components.password == nil else {
            node.report("the URL carries a password: give it as ha.password (env:, file: or credential:), never in the config itself")
            return nil
        }
        guard let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty else {
            node.report("the URL needs a user and a host: postgres://user@host:5432/database")
            return nil
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            node.report("the URL needs one database name after the host: postgres://\(user)@\(host)/scalerd")
            return nil
        }
        // Read from the text itself: URLComponents gives no port for one it cannot hold, which
        // would connect to 5432 without a word.
        let authority = text.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(2).first.map(String.init) ?? ""
        let hostPart = authority.split(separator: "@").last.map(String.init) ?? ""
        var port = 5432
        if let colon = hostPart.lastIndex(of: ":"), !hostPart[colon...].contains("]") {
            let written = String(hostPart[hostPart.index(after: colon)...])
            guard let parsed = Int(written), (1...65535).contains(parsed) else {
                node.report("the port must be between 1 and 65535, got \(written)")
                return nil
            }
            port = parsed
        }
        var tls = HASettings.TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                node.report("unknown URL parameter '\(item.name)'; only sslmode is read")
                return nil
            }
            guard let mode = item.value.flatMap(HASettings.TLSMode.init(rawValue:)) else {
                node.report("sslmode must be one of \(HASettings.TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(item.value ?? "")'")
                return nil
            }
            tls = mode
        }
        return HASettings(host: host, port: port, username: user, database: database, tls: tls, password: nil)
    }

    private func readGroup(_ node: ConfigNode) -> String? {
        guard let text = node.string() else { return nil }
        guard !text.isEmpty, text.count <= 64, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            node.report("a group is 1 to 64 letters, digits, '-', '_' or '.', got '\(text)'")
            return nil
        }
        return text
    }
}
