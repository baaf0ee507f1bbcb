import ArgumentParser
import Foundation
import ScalerConfig
import ScalerProviders

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a config file and print what the daemon would run (secrets masked)."
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config = Defaults.configPath

    func run() throws {
        let loaded: ScalerdConfig
        do {
            loaded = try ConfigLoader(catalog: ProviderModules.catalog).load(file: config)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        }
        print(ConfigSummary.text(of: loaded))
    }
}
