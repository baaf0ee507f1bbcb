import Foundation

/// Reads the `admin:` block.
struct AdminReader {
    let node: ConfigNode?
    let secrets: SecretResolver
    /// Whether the socket's directory must exist here, as `run` needs it to.
    var checksHost = false

    /// `sun_path` holds 108 bytes, its terminating NUL among them.
    static let longestSocketPath = 107

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
            if let problem = socketProblem(path) {
                node.report("the admin socket cannot be made: \(problem)")
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

    /// What would stop `run` from binding the socket, short of another process holding it.
    private func socketProblem(_ path: String) -> String? {
        guard path.utf8.count <= Self.longestSocketPath else {
            return "\(path) is \(path.utf8.count) bytes long; a unix socket path holds at most \(Self.longestSocketPath)"
        }
        guard !path.hasSuffix("/") else { return "\(path) names a directory, not a socket" }
        guard checksHost else { return nil }
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "directory \(directory) does not exist"
        }
        guard FileManager.default.isWritableFile(atPath: directory) else { return "directory \(directory) is not writable by this user" }
        if let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType, type != .typeSocket {
            return "\(path) exists and is not a socket"
        }
        return nil
    }
}
