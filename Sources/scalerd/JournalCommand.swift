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

struct JournalListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List decisions, oldest first."
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

    func run() throws {
        let query = try filter.query(now: Date(), limit: limit == 0 ? nil : limit)
        try reportingFailure {
            let entries = try JournalReader(path: try location.path()).entries(query)
            print(JournalFormatter.render(entries, as: format))
        }
    }
}

enum TimeArgument {
    static func parse(_ text: String, option: String, now: Date) throws -> Date {
        if let seconds = DurationParser.seconds(from: text) {
            return now.addingTimeInterval(-seconds)
        }
        if let date = try? Date(text, strategy: .iso8601) {
            return date
        }
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)) {
            return date
        }
        throw ValidationError("\(option) '\(text)' is neither a duration (2h, 30m) nor an ISO 8601 time (2026-11-22T14:00:00Z)")
    }
}
