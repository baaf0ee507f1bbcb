import Foundation
import Hummingbird
import Logging
import ScalerConfig
import ServiceLifecycle

/// The admin API's HTTP server, a service beside the control loop. A failure names the address,
/// so that "address already in use" says which.
struct AdminServer: Service {
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
            configuration: .init(address: address, serverName: "scalerd"),
            onServerRunning: { channel in
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
