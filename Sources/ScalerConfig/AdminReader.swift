/// Reads the `admin:` block.
struct AdminReader {
    let node: ConfigNode?
    let secrets: SecretResolver

    func read() -> AdminSettings? {
        guard let node else { return AdminSettings(listen: AdminSettings.defaultListen, token: nil) }
        guard let mapping = node.mapping(keys: ["listen", "token"]) else { return nil }
        let listenNode = mapping["listen"]
        let listen = listenNode.map(parse) ?? AdminSettings.defaultListen
        let token = mapping["token"].flatMap { $0.secret(using: secrets) }
        guard let listen else { return nil }
        if !listen.isLocal, token == nil, mapping["token"] == nil {
            (listenNode ?? node).report("\(listen) is reachable from other machines: set admin.token (a secret reference) or listen on loopback")
            return nil
        }
        return AdminSettings(listen: listen, token: token)
    }

    /// `127.0.0.1:9465`, `[::1]:9465`, `localhost:9465` or `unix:/run/scalerd/admin.sock`.
    private func parse(_ node: ConfigNode) -> AdminSettings.Listen? {
        guard let text = node.string() else { return nil }
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/") else {
                node.report("a unix socket needs an absolute path, e.g. unix:/run/scalerd/admin.sock")
                return nil
            }
            return .unix(path: path)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            node.report("expected host:port (127.0.0.1:9465) or unix:/path, found '\(text)'")
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            node.report("expected host:port (127.0.0.1:9465) or unix:/path, found '\(text)'")
            return nil
        }
        return .tcp(host: host, port: port)
    }
}
