import ArgumentParser
import Foundation
import ScalerJournal

struct JournalExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Every matching decision, oldest first, as JSON lines or CSV (hashes included), for audits and spreadsheets."
    )

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @OptionGroup var location: JournalLocation
    @OptionGroup var filter: JournalFilter

    @Option(help: "jsonl or csv.")
    var format = ExportFormat.jsonl

    func run() throws {
        let query = try filter.query(now: Date())
        try reportingFailure {
            let entries = try JournalReader(path: try location.path()).entries(query)
            print(JournalFormatter.render(entries, as: format == .csv ? .csv : .jsonl))
        }
    }
}
