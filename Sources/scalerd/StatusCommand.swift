import ArgumentParser
import Foundation
import ScalerConfig

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running daemon (version, pid, since when, how the run before it ended) and its endpoints: replicas, latest decision and why."
    )

    @Option(name: .shortAndLong, help: "The configuration file (its admin section says where the daemon listens).")
    var config = Defaults.configPath

    @Flag(help: "Print the admin API's JSON as it is.")
    var json = false

    func run() async throws {
        let answer: (status: Int, body: String)
        let daemon: (status: Int, body: String)
        do {
            let client = AdminClient(settings: try AdminLocator.settings(inConfig: config))
            daemon = try await client.call(.GET, "/v1/daemon")
            answer = try await client.call(.GET, "/v1/endpoints")
        } catch {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode.failure
        }
        guard answer.status == 200 else {
            FileHandle.standardError.write(Data("scalerd: the admin API answered \(answer.status): \(answer.body)\n".utf8))
            throw ExitCode.failure
        }
        guard !json, let endpoints = try? JSONDecoder().decode([EndpointLine].self, from: Data(answer.body.utf8)) else {
            print(answer.body)
            return
        }
        let snakeCase = JSONDecoder()
        snakeCase.keyDecodingStrategy = .convertFromSnakeCase
        if daemon.status == 200, let run = try? snakeCase.decode(RunLine.self, from: Data(daemon.body.utf8)) {
            print(run.text)
            print()
        }
        let rows = [["ENDPOINT", "PROVIDER", "MODE", "REPLICAS", "ACTION", "OUTCOME", "AT", "REASON"]] + endpoints.map(\.cells)
        let widths = (0..<7).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { index, cell in index < 7 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell }.joined(separator: "  "))
        }
    }

    /// The parts of `/v1/daemon` the header shows.
    private struct RunLine: Decodable {
        struct Previous: Decodable {
            let endedAt: String
            let ending: String
            let reason: String
        }

        let version: String
        let pid: Int
        let startedAt: String?
        let configGeneration: Int
        let lastTick: String?
        let healthy: Bool
        let previousRun: Previous?
        let leadership: Leadership?

        /// High availability, when the daemon runs with `ha:`.
        struct Leadership: Decodable {
            let group: String
            let role: String
            let epoch: Int64?
            let leader: String?
            let reason: String?
            let lastChange: String?
            let shards: [Shard]?

            struct Shard: Decodable {
                let shard: Int
                let role: String
                let epoch: Int64?
            }

            var text: String {
                var now = role == "leader" ? "leader of \(group) in epoch \(epoch.map(String.init) ?? "?")" : (reason ?? "standby in \(group)")
                if let shards {
                    let led = shards.filter { $0.role == "leader" }.map { "\($0.shard) (epoch \($0.epoch.map(String.init) ?? "?"))" }
                    let others = shards.filter { $0.role != "leader" }.map { String($0.shard) }
                    now = "leading \(led.isEmpty ? "no shard" : "shard " + led.joined(separator: ", ")) of \(shards.count) in \(group)"
                        + (others.isEmpty ? "" : "; standing by for \(others.joined(separator: ", "))")
                }
                return "ha: \(now)" + (lastChange.map { "; last change: \($0)" } ?? "")
            }
        }

        var text: String {
            var lines = ["scalerd \(version), pid \(pid), running since \(startedAt ?? "?"), configuration \(configGeneration), last tick \(lastTick ?? "none yet")\(healthy ? "" : " (STALLED)")"]
            if let previousRun {
                let how = previousRun.ending == "stopped" ? "stopped" : "ended without a stop (last evaluation)"
                lines.append("previous run: \(how) at \(previousRun.endedAt): \(previousRun.reason)")
            }
            if let leadership { lines.append(leadership.text) }
            return lines.joined(separator: "\n")
        }
    }

    /// The parts of `/v1/endpoints` the table shows.
    private struct EndpointLine: Decodable {
        struct Last: Decodable {
            let at: String
            let currentReplicas: Int
            let desired: Int
            let action: String
            let outcome: String
            let reason: String

            enum CodingKeys: String, CodingKey {
                case at, desired, action, outcome, reason
                case currentReplicas = "current_replicas"
            }
        }

        let name: String
        let provider: String
        let mode: String
        let last: Last?

        var cells: [String] {
            guard let last else { return [name, provider, mode, "-", "-", "-", "-", "no decision yet"] }
            let replicas = last.currentReplicas == last.desired ? "\(last.desired)" : "\(last.currentReplicas)->\(last.desired)"
            return [name, provider, mode, replicas, last.action, last.outcome, last.at, last.reason]
        }
    }
}
