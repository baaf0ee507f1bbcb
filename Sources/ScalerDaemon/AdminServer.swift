import Foundation
import Hummingbird
import Logging
import ScalerConfig

/// Builds the admin API's HTTP server, a service beside the control loop.
enum AdminServer {
    static func make(settings: AdminSettings, api: AdminAPI, logger: Logger) -> some ApplicationProtocol {
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
            },
            logger: logger
        )
    }
}
