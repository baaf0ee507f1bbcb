import ArgumentParser
import Foundation
import ScalerJournal

struct JournalPlotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw one endpoint's replicas, queue delay and concurrency over time, scale events marked, as an SVG file."
    )

    @OptionGroup var location: JournalLocation

    @Option(help: "The endpoint to draw.")
    var endpoint: String

    @Option(help: "From this time: a duration ago (6h) or ISO 8601.")
    var since = "6h"

    @Option(help: "Up to this time: a duration ago or ISO 8601 (default: now).")
    var until: String?

    @Option(help: "IANA time zone for the time axis (default: UTC).")
    var timeZone = "UTC"

    @Option(name: .shortAndLong, help: "The SVG file to write.")
    var output: String

    func run() async throws {
        let now = Date()
        let from = try TimeArgument.parse(since, option: "--since", now: now)
        let to = try until.map { try TimeArgument.parse($0, option: "--until", now: now) } ?? now
        guard let zone = TimeZone(identifier: timeZone) else {
            throw ValidationError("--time-zone '\(timeZone)' is not an IANA time zone such as Europe/Berlin")
        }
        try await reportingFailure { try await location.reading { reader in
            var rows = try await reader.entries(JournalQuery(endpoint: endpoint, since: from, until: to))
            // The decision in force when the range begins, so that the picture does not start blank.
            if let before = try await reader.entries(JournalQuery(endpoint: endpoint, until: from, limit: 1)).last, before.id != rows.first?.id {
                rows.insert(before, at: 0)
            }
            guard !rows.isEmpty else {
                throw CommandFailure("\(reader.location): no decisions of '\(endpoint)' up to \(JournalFormatter.timestamp(to))")
            }
            let svg = JournalPlot.svg(
                rows, endpoint: endpoint, from: from, to: to, timeZone: zone,
                controlled: try await reader.controlledTime(now: now, endpoint: endpoint), events: try await reader.daemonEvents()
            )
            do {
                try Data(svg.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CommandFailure("-o \(output): cannot write the file: \(error.localizedDescription)")
            }
            print("\(output): \(rows.count) row(s) of \(endpoint)")
        } }
    }
}
