import ArgumentParser
import Foundation
import ScalerConfig
import ScalerJournal

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Query, check and prune the decision journal (all but prune read-only; safe while the daemon runs).",
        subcommands: [
            JournalListCommand.self, JournalExportCommand.self, JournalExplainCommand.self, JournalStatsCommand.self,
            JournalPlotCommand.self, JournalVerifyCommand.self, JournalPruneCommand.self,
        ]
    )
}

extension JournalFormat: ExpressibleByArgument {}

struct JournalListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List decisions, oldest first.",
        discussion: """
        The table also shows the daemon's starts, reloads and stops, and each stretch in which \
        nobody was deciding (stopped, crashed, or silent): no decision is in force across one.
        """
    )

    @OptionGroup var location: JournalLocation

    @OptionGroup var filter: JournalFilter

    @Option(help: "The most recent N rows (0 for all).")
    var limit = 200

    @Option(help: "table, json, jsonl or csv.")
    var format = JournalFormat.table

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let now = Date()
        let query = try filter.query(now: now, limit: limit == 0 ? nil : limit)
        try await reportingFailure { try await location.reading { reader in
            let entries = try await reader.entries(query)
            guard format == .table else {
                print(JournalFormatter.render(entries, as: format))
                return
            }
            // A list cut by --limit starts at its first row: the lifecycle before it is not shown.
            let cut = query.limit.map { entries.count >= $0 } ?? false
            let from = cut ? entries.first?.at : query.since ?? .distantPast
            let lines = TimelineLine.merge(entries, events: try await reader.daemonEvents(), controlled: try await reader.controlledTime(now: now, endpoint: query.endpoint), from: from, to: query.until ?? now)
            print(JournalFormatter.render(lines, as: .table))
        } }
    }
}

enum TimeArgument {
    static func parse(_ text: String, option: String, now: Date) throws -> Date {
        if text == "now" { return now }
        if let seconds = DurationParser.seconds(from: text) {
            return now.addingTimeInterval(-seconds)
        }
        if let date = try? Date(text, strategy: .iso8601) {
            return date
        }
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)) {
            return date
        }
        throw ValidationError("\(option) '\(text)' is neither now, a duration ago (2h, 30m) nor an ISO 8601 time (2026-11-22T14:00:00Z)")
    }
}
