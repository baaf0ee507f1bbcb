import ArgumentParser
import ScalerDaemon

@main
struct Scalerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scalerd",
        abstract: "Autoscaling controller for serverless GPU endpoints.",
        version: ScalerdVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, ProvidersCommand.self, ReloadCommand.self, StatusCommand.self, JournalCommand.self, SimulateCommand.self, TuneCommand.self, ReplayCommand.self]
    )
}

enum Defaults {
    static let configPath = "/etc/scalerd/scalerd.yaml"
}
