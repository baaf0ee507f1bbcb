import ArgumentParser
import ScalerConfig
import ScalerCore
import ScalerPorts
import ScalerSimulation

/// The endpoint an offline command simulates: its config file, its name, and what counts as a
/// request over target.
struct SimulatedEndpointOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file holding the endpoint's policy.")
    var config = Defaults.configPath

    @Option(help: "The endpoint (may be left out when the file has one).")
    var endpoint: String?

    @Option(help: "Requests waiting longer than this count as over target (default: the policy's value for queue policies, else 2s).")
    var delayTarget: String?

    /// The file, the endpoint in it, and the documented ranges of its provider's API (what the
    /// daemon would normalize its pushes to).
    func load() throws -> (config: ScalerdConfig, endpoint: EndpointConfig, limits: SettingLimits) {
        let (loaded, found) = try EndpointSelection.load(config: config, endpoint: endpoint)
        let limits = loaded.provider(named: found.provider)?.api.limits ?? ProviderControlledStrategy.anyProvider
        return (loaded, found, limits)
    }

    func target(for policy: ScalingPolicy) throws -> Double {
        try delayTarget.map { try SimulateCommand.seconds($0, option: "--delay-target") } ?? (policy.type == .queue ? policy.value : 2)
    }
}
