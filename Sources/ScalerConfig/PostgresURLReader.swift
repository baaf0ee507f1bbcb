import Foundation

/// Reads `url` and `password` of a block that names a PostgreSQL database (`journal:`, `ha:`):
/// `postgres://user@host:port/database?sslmode=require`, never with a password in it.
struct PostgresURLReader {
    let secrets: SecretResolver

    /// `passwordKey`: where the password goes instead, as messages name it (`journal.password`).
    func read(url urlNode: ConfigNode, password passwordNode: ConfigNode?, passwordKey: String) -> PostgresLocation? {
        let location = parse(urlNode, passwordKey: passwordKey)
        let password = passwordNode.flatMap { $0.secret(using: secrets) }
        guard var location, passwordNode == nil || password != nil else { return nil }
        location.password = password
        return location
    }

    private func parse(_ node: ConfigNode, passwordKey: String) -> PostgresLocation? {
        guard let text = node.string() else { return nil }
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            node.report("expected postgres://user@host:5432/database, found '\(text)'")
            return nil
        }
        guard components.password == nil else {
            node.report("the URL carries a password: give it as \(passwordKey), never in the URL itself")
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
        var tls = PostgresLocation.TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                node.report("unknown URL parameter '\(item.name)'; only sslmode is read")
                return nil
            }
            guard let mode = item.value.flatMap(PostgresLocation.TLSMode.init(rawValue:)) else {
                node.report("sslmode must be one of \(PostgresLocation.TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(item.value ?? "")'")
                return nil
            }
            tls = mode
        }
        return PostgresLocation(host: host, port: port, username: user, database: database, tls: tls)
    }
}
