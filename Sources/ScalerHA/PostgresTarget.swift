import Logging
import NIOSSL
import PostgresNIO

/// Where the shared store is, in plain values: what the config names, without PostgresNIO's types.
public struct PostgresTarget: Sendable, Hashable {
    /// How the connection is encrypted, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, Hashable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// Every transaction read-only, as the server enforces it: what a reader connects as.
    public var readOnly = false

    public init(host: String, port: Int, username: String, password: String?, database: String, tls: TLSMode) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// The connection settings; TLS verifies the server's certificate against the system's roots.
    func configuration(connectTimeout: Duration) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .init(connectTimeout)
        if readOnly { configuration.options.additionalStartupParameters.append(("default_transaction_read_only", "on")) }
        return configuration
    }
}

extension PostgresSession {
    /// A session to `target`, each connection attempt bounded by `connectTimeout`.
    public init(_ target: PostgresTarget, connectTimeout: Duration, logger: Logger) throws {
        self.init(configuration: try target.configuration(connectTimeout: connectTimeout), logger: logger)
    }
}
