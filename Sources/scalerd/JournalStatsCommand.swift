import ArgumentParser
import Foundation
import ScalerConfig
import ScalerCore
import ScalerJournal

struct JournalStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per endpoint over a range: scale events, time at each replica count, worker-seconds, errors by kind."
    )

    enum StatsFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var location: JournalLocation

    @Option(help: "Only this endpoint.")
    var endpoint: String?

    @Option(help: "From this time: a duration ago (24h) or ISO 8601.")
    var since = "24h"

    @Option(help: "Up to this time: a duration ago or ISO 8601 (default: now).")
    var until: String?

    @Option(help: "text or json.")
    var format = StatsFormat.text

    func run() async throws {
        let now = Date()
        let from = try TimeArgument.parse(since, option: "--since", now: now)
        let to = try until.map { try TimeArgument.parse($0, option: "--until", now: now) } ?? now
        try await reportingFailure { try await location.reading { reader in
            let stats = try await reader.stats(endpoint: endpoint, from: from, to: to, controlled: try await reader.controlledTime(now: now, endpoint: endpoint))
            switch format {
            case .json:
                print(String(decoding: try JournalFormatter.jsonEncoder().encode(stats), as: UTF8.self))
            case .text:
                print(stats.isEmpty ? "no decisions up to \(JournalFormatter.timestamp(to))" : stats.map(Self.text).joined(separator: "\n\n"))
            }
        } }
    }

    private static func text(_ stats: EndpointStats) -> String {
        let span = stats.to.timeIntervalSince(stats.from)
        var lines = [
            "\(stats.endpoint), \(JournalFormatter.timestamp(stats.from)) to \(JournalFormatter.timestamp(stats.to)):",
            "  \(stats.evaluations) evaluation(s), \(stats.scaleUps) scale-up(s), \(stats.scaleDowns) scale-down(s)",
            "  \(CompactNumber.text(stats.workerSeconds.rounded())) worker-seconds decided (\(CompactNumber.text(stats.workerSeconds / 3_600)) worker-hours)",
            "  time at each replica count:",
        ]
        if stats.notRunning > 0 {
            lines.insert("  not running: \(DurationParser.format(stats.notRunning.rounded())) (no decision was made then, and none is counted)", at: 3)
        }
        for (replicas, seconds) in stats.secondsAtReplicas.sorted(by: { $0.key < $1.key }) {
            let share = span > 0 ? seconds / span * 100 : 0
            lines.append("    \(String(replicas).padding(toLength: 4, withPad: " ", startingAt: 0)) \(DurationParser.format(seconds.rounded())) (\(String(format: "%.1f", share))%)")
        }
        let errors = stats.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("  errors: \(errors.isEmpty ? "none" : errors)")
        return lines.joined(separator: "\n")
    }
}
