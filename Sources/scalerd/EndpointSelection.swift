import ArgumentParser
import Foundation
import ScalerConfig
import ScalerJournal
import ScalerProviders
import ScalerSimulation

/// Offline commands read one endpoint's policy from a config file that may name secrets and paths
/// of another host: nothing is resolved or touched here.
enum EndpointSelection {
    static func load(config path: String, endpoint name: String?) throws -> (ScalerdConfig, EndpointConfig) {
        let config = try read(path)
        if let name {
            guard let endpoint = config.endpoints.first(where: { $0.name == name }) else {
                throw CommandFailure("\(path): no endpoint named '\(name)' (the file has: \(names(config)))")
            }
            return (config, endpoint)
        }
        guard config.endpoints.count == 1, let only = config.endpoints.first else {
            throw CommandFailure("\(path) has \(config.endpoints.count) endpoints (\(names(config))): choose one with --endpoint")
        }
        return (config, only)
    }

    /// The endpoint named `name`, else the file's only endpoint whatever its name: a candidate
    /// policy written for a comparison need not copy the endpoint's name.
    static func load(config path: String, preferring name: String) throws -> (ScalerdConfig, EndpointConfig) {
        let config = try read(path)
        guard let endpoint = config.endpoints.first(where: { $0.name == name })
            ?? (config.endpoints.count == 1 ? config.endpoints.first : nil) else {
            throw CommandFailure("\(path): no endpoint named '\(name)' (the file has: \(names(config)))")
        }
        return (config, endpoint)
    }

    private static func read(_ path: String) throws -> ScalerdConfig {
        do {
            return try ConfigLoader.offline(catalog: ProviderModules.catalog).load(file: path)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    private static func names(_ config: ScalerdConfig) -> String {
        config.endpoints.map(\.name).joined(separator: ", ")
    }
}

/// An error the command prints as is, then exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }

    /// Runs an offline command's body. A failure that explains itself (the command's own, a
    /// trace's, a config edit's) is printed as one line, and the command exits 1.
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CommandFailure {
            throw printed(error)
        } catch let error as TraceError {
            throw printed(error)
        } catch let error as PolicyEditor.EditError {
            throw printed(error)
        } catch let error as JournalError {
            throw printed(error)
        }
    }

    private static func printed(_ error: some CustomStringConvertible) -> ExitCode {
        FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
        return .failure
    }
}
