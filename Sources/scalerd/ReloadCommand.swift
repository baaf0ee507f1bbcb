import ArgumentParser
import Foundation
import ScalerConfig

struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Ask the running daemon to reload its config, and wait for the outcome (systemd's ExecReload)."
    )

    @Option(name: .shortAndLong, help: "The configuration file (its admin section says where the daemon listens).")
    var config = Defaults.configPath

    func run() async throws {
        do {
            let settings = try AdminLocator.settings(inConfig: config)
            let answer = try await AdminClient(settings: settings).call(.POST, "/v1/reload")
            switch answer.status {
            case 200:
                print("reloaded \(config)")
            case 422:
                let errors = (try? JSONDecoder().decode(Refusal.self, from: Data(answer.body.utf8)).errors) ?? [answer.body]
                FileHandle.standardError.write(Data("reload refused; the daemon keeps its running configuration:\n\(errors.map { "  \($0)" }.joined(separator: "\n"))\n".utf8))
                throw ExitCode(78)
            default:
                FileHandle.standardError.write(Data("reload failed: the admin API answered \(answer.status): \(answer.body)\n".utf8))
                throw ExitCode.failure
            }
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        } catch let error as AdminUnreachable {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private struct Refusal: Decodable {
        let errors: [String]
    }
}
