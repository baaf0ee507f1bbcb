import ArgumentParser
import Foundation
import ScalerSimulation

/// Where the simulated requests come from: a trace file or a synthetic generator, and the seed
/// that makes a run repeatable.
struct TraceSourceOptions: ParsableArguments {
    @Option(help: "Trace file: Azure LLM CSV, Mooncake JSONL, or a CSV of arrival[,service_time] seconds.")
    var trace: String?

    @Option(help: "Trace format when not detected from the file: azure, mooncake or arrivals.")
    var traceFormat: TraceFormat?

    @Option(help: "Instead of --trace: a synthetic bursty trace of this length (e.g. 2h).")
    var bursty: String?

    @Option(help: "With --bursty: mean requests per second inside a burst.")
    var burstRate: Double = 12

    @Option(help: "Instead of --trace: a synthetic day of this length (e.g. 24h): a 24-hour rate curve with noise and bursts.")
    var diurnal: String?

    @Option(help: "Instead of --trace: rebuild the arrivals from this journal's observations of the endpoint.")
    var journal: String?

    @Option(help: "With --journal: from this time, a duration ago (7d) or ISO 8601.")
    var since = "7d"

    @Option(help: "Seed for cold starts and synthetic traces.")
    var seed: UInt64 = 1

    /// Generated traces are held in memory whole: a month is already tens of millions of requests.
    static let longestSyntheticTrace: Double = 30 * 86_400

    func validate() throws {
        if [trace, bursty, diurnal, journal].compactMap({ $0 }).count != 1 {
            throw ValidationError("give one of --trace FILE, --bursty DURATION, --diurnal DURATION or --journal FILE")
        }
    }

    /// The requests, and when they were rebuilt from a journal, how.
    func load(endpoint: String, model: WorkerModel) async throws -> (trace: Trace, rebuilt: JournalArrivals.Account?) {
        guard let journal else { return (try load(), nil) }
        let steps = try await ReplayCommand.steps(journal: journal, endpoint: endpoint, since: since, until: nil)
        guard steps.count >= 2 else {
            throw CommandFailure("\(journal): \(steps.isEmpty ? "no" : "only one") evaluation of '\(endpoint)' since \(since): nothing to rebuild arrivals from")
        }
        let rebuilt: JournalArrivals
        do {
            rebuilt = try JournalArrivals(steps: steps, serviceTime: model.defaultServiceTime, seed: seed, name: "\(journal) (\(endpoint), since \(since))")
        } catch {
            throw CommandFailure("\(journal): \(error)")
        }
        return (rebuilt.trace, rebuilt.account)
    }

    private func load() throws -> Trace {
        if let trace { return try TraceReader.read(file: trace, format: traceFormat) }
        if let diurnal {
            return DiurnalTraceGenerator(duration: try Self.syntheticDuration(diurnal, option: "--diurnal"), seed: seed).generate()
        }
        let duration = try Self.syntheticDuration(bursty ?? "", option: "--bursty")
        guard burstRate > 0, burstRate.isFinite else { throw CommandFailure("--burst-rate must be a positive number of requests per second") }
        return BurstyTraceGenerator(duration: duration, seed: seed, burstRate: burstRate).generate()
    }

    static func syntheticDuration(_ text: String, option: String) throws -> Double {
        let seconds = try SimulateCommand.seconds(text, option: option)
        guard seconds <= longestSyntheticTrace else {
            throw CommandFailure("\(option): '\(text)' is longer than a synthetic trace may be (30d)")
        }
        return seconds
    }
}
