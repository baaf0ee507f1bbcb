import ArgumentParser
import Foundation
import ScalerConfig
import ScalerCore
import ScalerProviders
import ScalerSimulation

struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Find the cheapest setting of an endpoint's policy that meets a service level on a trace.",
        discussion: """
        Runs the endpoint's policy over a grid of its knobs (control mode, target, min_replicas, \
        scale-down window, idle_timeout, look_ahead), and each anchor over the knobs its operators \
        turn, on the simulator and both cores. Prints scalerd's frontier of worker-seconds against \
        share over target, marks the cheapest setting with at most --slo of requests over target, \
        shows each anchor's cheapest setting that meets it, and prints the policy block to paste \
        (or --write a copy of the config with it). Deterministic: the same inputs give the same choice.
        """
    )

    @OptionGroup var endpointOptions: SimulatedEndpointOptions

    @OptionGroup var source: TraceSourceOptions

    @OptionGroup var workers: WorkerModelOptions

    @Option(help: "The service level: the share of requests that may wait longer than the target, e.g. 1%.")
    var slo: String

    @Option(help: "Write a copy of the config with the chosen policy to this file (comments are not kept).")
    var write: String?

    func run() async throws {
        try await CommandFailure.reporting {
            let share = try Self.share(slo)
            let (loaded, endpoint, limits) = try endpointOptions.load()
            let policy = endpoint.policy
            let model = try workers.model(policy: policy)
            let target = try endpointOptions.target(for: policy)
            let (trace, rebuilt) = try await source.load(endpoint: endpoint.name, model: model)
            if let rebuilt { print(rebuilt.description + "\n") }
            let simulator = Simulator(trace: trace, model: model, seed: source.seed, delayTarget: target)
            let grid = SweepGrid(policy: policy, tick: loaded.tick, model: model, limits: limits, peakWorkers: simulator.lowerBound.peakWorkers)
            let families = grid.families
            let report = await Sweep(simulator: simulator, families: families).run(progress: ProgressLine.makeIfTerminal())
            print(TuneTable.text(report, slo: share))
            guard let scalerd = report.families.first, let chosen = Tuning.cheapest(meeting: share, in: scalerd),
                  let tuned = families[0].members[chosen].policy else {
                let highest = families[0].members.compactMap { $0.policy?.minReplicas }.max() ?? policy.minReplicas
                throw CommandFailure(
                    "no setting of \(endpoint.name)'s policy leaves at most \(slo) of requests over target on this trace; the search kept up to \(highest) workers warm "
                        + "(the trace needs \(simulator.lowerBound.peakWorkers) at its peak): set min_replicas higher to search from there, or loosen the SLO"
                )
            }
            let config = endpointOptions.config
            let text = try String(contentsOfFile: config, encoding: .utf8)
            let edited = try PolicyEditor.applying(tuned, toEndpoint: endpoint.name, in: text, file: config)
            // The copy must load as the original did: it is checked before anyone can use it.
            do {
                _ = try ConfigLoader.offline(catalog: ProviderModules.catalog).parse(edited.file, file: write ?? config)
            } catch {
                throw CommandFailure("the tuned copy of \(config) does not load, so it is not written: \(error)")
            }
            print("\npolicy block for \(endpoint.name), to paste:\n\n" + edited.policyBlock)
            if let write {
                try Data(edited.file.utf8).write(to: URL(fileURLWithPath: write), options: .atomic)
                print("wrote \(write)")
            }
            // The tuned `value` may differ from the target the service level is measured against.
            print("measured against requests waiting over \(DurationText.compact(target)); to check it: scalerd simulate -c \(write ?? "FILE") --endpoint \(endpoint.name) --delay-target \(DurationText.compact(target)) ...")
        }
    }

    /// `1%` or `0.01`: a share of requests, above 0 and below 1.
    static func share(_ text: String) throws -> Double {
        guard let value = ShareParser.fraction(from: text) else {
            throw CommandFailure("--slo: '\(text)' is not a share of requests such as 1% or 0.01")
        }
        return value
    }
}
