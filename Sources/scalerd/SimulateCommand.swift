import ArgumentParser
import Foundation
import ScalerConfig
import ScalerCore
import ScalerSimulation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay a request trace against an endpoint's policy and the well-known autoscalers.",
        discussion: """
        Runs the endpoint's policy (the daemon's own decision code) and the baselines side by side \
        on the same trace and worker model, and reports worker-seconds, cold starts and queue delay. \
        Deterministic: the same inputs and --seed give the same report.
        """
    )

    @OptionGroup var target: SimulatedEndpointOptions

    @OptionGroup var source: TraceSourceOptions

    @OptionGroup var workers: WorkerModelOptions

    @Option(help: "Comma-separated policies to run: scalerd and any of \(SimulationRunner.baselineNames.joined(separator: ", ")). Default: all.")
    var policies: String?

    @Option(help: "table, markdown or json.")
    var format: SimulationOutputFormat = .table

    @Option(help: "Also write a self-contained HTML report with charts to this file.")
    var report: String?

    @Option(name: .customLong("candidate"), help: ArgumentHelp(
        "Another configuration whose policy for the same endpoint runs beside it, reported under the file's name (repeatable).",
        valueName: "config"
    ))
    var candidates: [String] = []

    @Option(help: "Also write scalerd's decisions, one JSON object per line (time, what it saw, clamps, reason), to this file.")
    var decisions: String?

    @Option(help: "The wall-clock start of the trace, for schedules (ISO 8601, e.g. 2026-03-09T00:00:00Z). Default: 2001-01-01T00:00:00Z, a Monday.")
    var start: String?

    @Flag(help: "Run scalerd and every anchor over a grid of the knobs their operators turn, and report each family's Pareto frontier.")
    var sweep = false

    @Option(help: "With --sweep: also write the frontiers as an SVG chart to this file.")
    var chart: String?

    func validate() throws {
        if sweep {
            let single = [("--policies", policies != nil), ("--candidate", !candidates.isEmpty), ("--decisions", decisions != nil), ("--report", report != nil)]
            if let (option, _) = single.first(where: { $0.1 }) {
                throw ValidationError("\(option) is for one run of each policy; --sweep runs every setting of every family")
            }
        } else if chart != nil {
            throw ValidationError("--chart draws the frontiers of --sweep")
        }
    }

    func run() async throws {
        try await CommandFailure.reporting {
            let (loaded, endpoint, limits) = try target.load()
            let policy = endpoint.policy
            let model = try workers.model(policy: policy)
            let (traceData, rebuilt) = try await source.load(endpoint: endpoint.name, model: model)
            // Stdout may be JSON: how the arrivals were rebuilt goes beside it.
            if let rebuilt { FileHandle.standardError.write(Data((rebuilt.description + "\n").utf8)) }
            let simulator = Simulator(trace: traceData, model: model, seed: source.seed, delayTarget: try target.target(for: policy))
            if sweep {
                let grid = SweepGrid(
                    policy: policy, tick: loaded.tick, model: model, limits: limits,
                    peakWorkers: simulator.lowerBound.peakWorkers, epoch: try startDate()
                )
                try output(await Sweep(simulator: simulator, families: grid.families).run(progress: ProgressLine.makeIfTerminal()))
                return
            }
            let log = decisions.map { _ in DecisionLog() }
            var runner = SimulationRunner(
                simulator: simulator, policy: policy, endpointName: endpoint.name, tick: loaded.tick,
                epoch: try startDate(), decisionLog: log
            )
            runner.limits = limits
            runner.candidates = try candidates.map { try candidate($0, endpoint: endpoint.name) }
            let simulationReport = await runner.run(only: try selectedPolicies(), progress: ProgressLine.makeIfTerminal())
            try output(simulationReport)
            if let decisions, let log {
                try write(log.jsonLines(), to: decisions, option: "--decisions")
            }
        }
    }

    /// The candidate file's policy for the same endpoint, or its only endpoint's.
    private func candidate(_ path: String, endpoint name: String) throws -> SimulationRunner.Candidate {
        let label = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        guard label != "scalerd", !SimulationRunner.baselineNames.contains(label) else {
            throw CommandFailure("--candidate \(path): '\(label)' already names a policy in the report; rename the file")
        }
        let (loaded, endpoint) = try EndpointSelection.load(config: path, preferring: name)
        return SimulationRunner.Candidate(name: label, policy: endpoint.policy, tick: loaded.tick)
    }

    private func selectedPolicies() throws -> Set<String>? {
        guard let policies else { return nil }
        let names = Set(policies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let known = Set(["scalerd"] + SimulationRunner.baselineNames)
        let unknown = names.subtracting(known).sorted()
        guard unknown.isEmpty else {
            throw CommandFailure("--policies: unknown \(unknown.joined(separator: ", ")); known: \(known.sorted().joined(separator: ", "))")
        }
        return names
    }

    private func output(_ result: SimulationReport) throws {
        switch format {
        case .table: print(ReportTable.text(result))
        case .markdown: print(ReportTable.markdown(result))
        case .json:
            try printJSON(result)
        }
        if let report {
            try write(ReportHTML.render(result), to: report, option: "--report")
        }
    }

    private func output(_ result: SweepReport) throws {
        switch format {
        case .table: print(SweepTable.text(result))
        case .markdown: print(SweepTable.markdown(result))
        case .json:
            try printJSON(result)
        }
        if let chart {
            try write(SweepTable.chart(result), to: chart, option: "--chart")
        }
    }

    private func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    private func write(_ text: String, to path: String, option: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure("\(option) \(path): cannot write the file: \(error.localizedDescription)")
        }
    }

    private func startDate() throws -> Date {
        guard let start else { return ScalerdStrategy.defaultEpoch }
        guard let date = try? Date(start, strategy: .iso8601) else {
            throw CommandFailure("--start: '\(start)' is not an ISO 8601 instant such as 2026-03-09T00:00:00Z")
        }
        return date
    }

    static func seconds(_ text: String, option: String) throws -> Double {
        guard let seconds = DurationParser.seconds(from: text), seconds > 0 else {
            throw CommandFailure("\(option): '\(text)' is not a positive duration such as 30s, 5m or 2h")
        }
        return seconds
    }
}

enum SimulationOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, markdown, json
}

extension TraceFormat: ExpressibleByArgument {}
