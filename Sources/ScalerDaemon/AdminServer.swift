import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ScalerConfig
import ServiceLifecycle

/// The admin API's HTTP server, a service beside the control loop. A failure names the address,
/// so that "address already in use" says which.
struct AdminServer: Service {
    static let maxConnections = 64
    static let idleSeconds: Int64 = 10

    let settings: AdminSettings
    let api: AdminAPI
    let logger: Logger
    /// Told once the API serves: with the config loaded and the journal open before it, the
    /// daemon is then ready, whatever the providers answer.
    var onRunning: @Sendable () -> Void = {}

    func run() async throws {
        do {
            try await Self.make(settings: settings, api: api, logger: logger, onRunning: onRunning).run()
        } catch {
            throw AdminServerError(address: "\(settings.listen)", underlying: "\(error)")
        }
    }

    static func make(settings: AdminSettings, api: AdminAPI, logger: Logger, onRunning: @escaping @Sendable () -> Void = {}) -> some ApplicationProtocol {
        let address: BindAddress
        switch settings.listen {
        case .tcp(let host, let port):
            address = .hostname(host, port: port)
        case .unix(let path):
            // A socket left by a previous run would make the bind fail.
            if let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType, type == .typeSocket {
                try? FileManager.default.removeItem(atPath: path)
            }
            address = .unixDomainSocket(path: path)
        }
        return Application(
            router: api.router(),
            // An idle connection is closed, and past a few dozen no more are accepted (the rest
            // wait in the kernel's backlog): a crowd of connections cannot take the descriptors
            // the provider clients need.
            server: .http1(configuration: .init(idleTimeout: .seconds(Self.idleSeconds))),
            configuration: .init(
                address: address, serverName: "scalerd", backlog: Self.maxConnections,
                availableConnectionsDelegate: MaximumAvailableConnections(Self.maxConnections, logger: logger)
            ),
            onServerRunning: { channel in
                // Operators in the socket's group may use it; no one else.
                if case .unix(let path) = settings.listen { chmod(path, 0o660) }
                logger.notice("admin API listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "\(settings.listen)")"])
                onRunning()
            },
            logger: logger
        )
    }
}

struct AdminServerError: Error, CustomStringConvertible {
    let address: String
    let underlying: String
    var description: String { "the admin API cannot serve \(address) (admin.listen): \(underlying)" }
}

/// ServiceLifecycle names each service by its description: a reflected one of every field (the
/// whole config, every endpoint's runtime) was a 19 MB string at 10,000 endpoints.
extension AdminServer: CustomStringConvertible {
    var description: String { "AdminServer (the admin API)" }
}
