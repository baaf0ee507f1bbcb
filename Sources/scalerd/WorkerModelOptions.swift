import ArgumentParser
import ScalerConfig
import ScalerCore
import ScalerSimulation

/// The simulated worker, from the command line.
struct WorkerModelOptions: ParsableArguments {
    @Option(help: "Cold start: a duration (30s) or a uniform range (20s-60s).")
    var coldStart = "30s"

    @Option(help: "Requests one worker serves at once (default: the policy's max_concurrent_per_worker).")
    var concurrency: Int?

    @Option(help: "Prompt tokens per second of one request's prefill.")
    var prefillTps: Double = 5_000

    @Option(help: "Generated tokens per second of one request's decode.")
    var decodeTps: Double = 50

    @Option(help: "Service time of requests whose trace has neither tokens nor durations.")
    var serviceTime = "2s"

    @Option(help: "The provider's own idle timeout, used by its native scalers (RunPod's default is 5s).")
    var providerIdleTimeout = "5s"

    @Option(help: "Price of one worker-hour, to report dollars (default: the policy's price_per_worker_hour).")
    var price: Double?

    /// A worker that takes longer than this to start, serve or idle out is not a model of a GPU
    /// worker, and the simulator's arithmetic is not meant for it.
    static let longestDuration: Double = 86_400
    static let mostConcurrency = 1_000_000

    func model(policy: ScalingPolicy) throws -> WorkerModel {
        if let concurrency, !(1...Self.mostConcurrency).contains(concurrency) {
            throw CommandFailure("--concurrency must be from 1 to \(Self.mostConcurrency)")
        }
        guard prefillTps > 0, decodeTps > 0, prefillTps.isFinite, decodeTps.isFinite else {
            throw CommandFailure("--prefill-tps and --decode-tps must be positive numbers")
        }
        if let price, price < 0 || !price.isFinite { throw CommandFailure("--price must be 0 or more") }
        return WorkerModel(
            coldStart: try parseColdStart(),
            concurrency: concurrency ?? policy.maxConcurrentPerWorker,
            prefillTokensPerSecond: prefillTps,
            decodeTokensPerSecond: decodeTps,
            defaultServiceTime: try Self.bounded(SimulateCommand.seconds(serviceTime, option: "--service-time"), option: "--service-time"),
            providerIdleTimeout: try Self.bounded(SimulateCommand.seconds(providerIdleTimeout, option: "--provider-idle-timeout"), option: "--provider-idle-timeout"),
            pricePerWorkerHour: price ?? policy.budget?.pricePerWorkerHour
        )
    }

    private static func bounded(_ seconds: Double, option: String) throws -> Double {
        guard seconds <= longestDuration else {
            throw CommandFailure("\(option): \(DurationText.compact(seconds)) is longer than a worker model allows (1d)")
        }
        return seconds
    }

    private func parseColdStart() throws -> ColdStart {
        let bounds = coldStart.split(separator: "-", maxSplits: 1).map(String.init)
        let problem = "--cold-start: '\(coldStart)' is neither a duration (30s) nor a range (20s-60s)"
        let seconds = bounds.map { DurationParser.seconds(from: $0) }
        switch seconds.count {
        case 1:
            guard let fixed = seconds[0] else { throw CommandFailure(problem) }
            return .fixed(try Self.bounded(fixed, option: "--cold-start"))
        case 2:
            guard let low = seconds[0], let high = seconds[1], low <= high else { throw CommandFailure(problem) }
            return .uniform(low, try Self.bounded(high, option: "--cold-start"))
        default:
            throw CommandFailure(problem)
        }
    }
}
