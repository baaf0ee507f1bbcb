import ArgumentParser
import ScalerPorts
import ScalerProviders

/// `scalerd providers`: every provider kind this build drives, its APIs, hosts and the ranges
/// scalerd keeps its pushes within; the same table as `docs/configuration.md`.
struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List the provider kinds this build drives: APIs, hosts, how updates write, what they report, documented ranges."
    )

    func run() {
        print(ProviderModules.catalog.referenceTable())
    }
}
