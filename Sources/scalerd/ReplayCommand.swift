import ArgumentParser
import Foundation
import ScalerConfig
import ScalerCore
import ScalerDaemon
import ScalerJournal
import ScalerSimulation

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Show what another config's policy would have decided on an endpoint's journalled observations.",
        discussion: """
        Reads the endpoint's evaluations from the journal (read-only, safe while the daemon runs), \
        feeds each observation through the policy in --config, and prints every decision that \
        would have differed, then the totals: replica-seconds and scale events, then and replayed.
        """
    )

    @Option(help: "The journal to read: a file, or postgres://user@host/db (password from PGPASSWORD).")
    var journal: String

    @Option(name: .shortAndLong, help: "The config file with the policy to try.")
    var config: String

    @Option(help: "The endpoint (may be left out when the config has one).")
    var endpoint: String?

    @Option(help: "From this time: a duration ago (24h) or ISO 8601.")
    var since = "24h"

    @Option(help: "Up to this time: a duration ago or ISO 8601.")
    var until: String?

    @Flag(help: "Print every decision, not only those that differ.")
    var all = false

    @Option(help: "table or json.")
    var format: ReplayFormat = .table

    func run() async throws {
        do {
            let (_, selected) = try EndpointSelection.load(config: config, endpoint: endpoint)
            let steps = try await Self.steps(journal: journal, endpoint: selected.name, since: since, until: until)
            guard !steps.isEmpty else {
                throw CommandFailure("\(journal): no evaluations of '\(selected.name)' in that range")
            }
            let result = JournalReplay.run(steps, policy: selected.policy)
            print(render(result, endpoint: selected.name))
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("scalerd: \(failure)\n".utf8))
            throw ExitCode.failure
        } catch let error as JournalError {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode.failure
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// An endpoint's journalled evaluations from `since` (and up to `until`), as replay steps;
    /// read-only, so safe while the daemon runs. Shared with `tune --journal`.
    static func steps(journal: String, endpoint: String, since: String, until: String?, now: Date = Date()) async throws -> [ReplayStep] {
        let query = JournalQuery(
            endpoint: endpoint,
            since: try TimeArgument.parse(since, option: "--since", now: now),
            until: try until.map { try TimeArgument.parse($0, option: "--until", now: now) },
            action: nil, limit: nil
        )
        return try await JournalOpening.reader(JournalLocator.store(argument: journal, option: "--journal")).closing { reader in
            steps(try await reader.entries(query), controlled: try await reader.controlledTime(now: now, endpoint: endpoint))
        }
    }

    /// The steps, each marked when nobody was deciding between it and the one before.
    static func steps(_ entries: [JournalEntry], controlled: ControlledTime) -> [ReplayStep] {
        var previous: JournalEntry?
        return entries.map { entry in
            var marked = step(entry)
            if let previous { marked.resumesAfter = controlled.gap(between: previous.lastAt, and: entry.at)?.from }
            previous = entry
            return marked
        }
    }

    /// A hold run keeps only the range of its inputs: when they varied, its evaluations are
    /// replayed on the highest, the reading under which a new policy would scale down least.
    static func step(_ entry: JournalEntry) -> ReplayStep {
        let hasInputs = entry.queueDelay != nil || entry.queued != nil || entry.inFlight != nil || entry.readyWorkers != nil
        let varied = entry.queueDelayMin != entry.queueDelayMax || entry.queuedMin != entry.queuedMax || entry.inFlightMin != entry.inFlightMax
        let metrics: MetricReading
        if let age = entry.metricAge, hasInputs {
            metrics = .sample(MetricSample(
                takenAt: entry.at.addingTimeInterval(-age),
                queueDelay: varied ? entry.queueDelayMax : entry.queueDelay,
                queued: varied ? entry.queuedMax : entry.queued,
                inFlight: varied ? entry.inFlightMax : entry.inFlight,
                readyWorkers: entry.readyWorkers, queueDelayEstimated: entry.queueDelayEstimated
            ))
        } else {
            let kind = entry.metricErrorKind ?? .noSample
            metrics = .failure(kind, entry.metricError ?? "metrics \(entry.metricStatus)")
        }
        return ReplayStep(
            at: entry.at, lastAt: entry.lastAt, repeats: entry.repeats, metrics: metrics,
            recordedCurrent: entry.currentReplicas, recordedDesired: entry.desired, inputsApproximate: varied && hasInputs
        )
    }

    private func render(_ result: ReplayResult, endpoint: String) -> String {
        switch format {
        case .json:
            let encoder = JournalFormatter.jsonEncoder()
            return String(decoding: (try? encoder.encode(result)) ?? Data(), as: UTF8.self)
        case .table:
            let shown = result.decisions.filter { all || $0.differs }
            var lines = shown.map { decision in
                let mark = (decision.differs ? "*" : " ") + (decision.approximate ? "~" : " ")
                return "\(mark) \(JournalFormatter.timestamp(decision.at))  \(decision.recordedDesired) -> \(decision.replayedDesired)  \(decision.replayedReason)"
            }
            if lines.isEmpty { lines = ["no decision would have differed"] }
            let totals = result.totals
            lines += [
                "",
                "\(endpoint): \(totals.evaluations) evaluations, \(totals.differing) would have differed",
                String(format: "replica-seconds: %.0f recorded, %.0f replayed (%+.1f%%)", totals.recordedReplicaSeconds, totals.replayedReplicaSeconds,
                       totals.recordedReplicaSeconds > 0 ? (totals.replayedReplicaSeconds / totals.recordedReplicaSeconds - 1) * 100 : 0),
                "scale events: \(totals.recordedScaleEvents) recorded, \(totals.replayedScaleEvents) replayed",
            ]
            if totals.notRunningSeconds > 0 {
                lines.append("not running: \(DurationParser.format(totals.notRunningSeconds.rounded())) in which nobody decided, counted in neither total")
            }
            lines += [
                "open loop: the metrics are those measured under the old policy",
            ]
            if totals.approximate > 0 {
                lines.append("~ \(totals.approximate) evaluations came from hold runs whose inputs varied; they were replayed on the highest inputs of their run")
            }
            return lines.joined(separator: "\n")
        }
    }
}

enum ReplayFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
