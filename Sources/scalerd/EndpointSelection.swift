import ArgumentParser
import ScalerConfig

/// Offline commands read one endpoint's policy from a config file that may name secrets and paths
/// of another host: nothing is resolved or touched here.
enum EndpointSelection {
    static func load(config path: String, endpoint name: String?) throws -> (ScalerdConfig, EndpointConfig) {
        let config: ScalerdConfig
        do {
            config = try ConfigLoader.offline().load(file: path)
        } catch {
            throw CommandFailure("\(error)")
        }
        if let name {
            guard let endpoint = config.endpoints.first(where: { $0.name == name }) else {
                let known = config.endpoints.map(\.name).joined(separator: ", ")
                throw CommandFailure("\(path): no endpoint named '\(name)' (the file has: \(known))")
            }
            return (config, endpoint)
        }
        guard config.endpoints.count == 1, let only = config.endpoints.first else {
            let known = config.endpoints.map(\.name).joined(separator: ", ")
            throw CommandFailure("\(path) has \(config.endpoints.count) endpoints (\(known)): choose one with --endpoint")
        }
        return (config, only)
    }
}

/// An error the command prints as is, then exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
