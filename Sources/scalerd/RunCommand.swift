import ArgumentParser
import Foundation
import ScalerConfig
import ScalerDaemon

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the controller until SIGTERM; SIGHUP reloads the config."
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config = Defaults.configPath

    func run() async throws {
        do {
            try await Daemon.run(configPath: config)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode(78) // EX_CONFIG: systemd should not restart into the same bad file.
        } catch {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
