import ArgumentParser
import Foundation
import ScalerJournal

struct JournalExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Every matching decision, oldest first, as JSON lines or CSV (hashes included), for audits and spreadsheets.",
        discussion: """
        With --events, the daemon's lifecycle instead: every start, reload, stop and unclean end \
        (--since and --until apply; --endpoint and --action do not), with what each stop left \
        the endpoints with.
        """
    )

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @OptionGroup var location: JournalLocation
    @OptionGroup var filter: JournalFilter

    @Option(help: "jsonl or csv.")
    var format = ExportFormat.jsonl

    @Flag(help: "Export the daemon's starts, reloads and stops rather than its decisions.")
    var events = false

    func run() async throws {
        let query = try filter.query(now: Date())
        try await reportingFailure { try await location.reading { reader in
            guard events else {
                let writer = JournalFormatter.LineWriter(format: format == .csv ? .csv : .jsonl)
                var output = BufferedOutput()
                if let header = writer.header { output.line(header) }
                if query.limit == nil {
                    try await reader.forEachEntry(query) { output.line(writer.line($0)) }
                } else {
                    for entry in try await reader.entries(query) { output.line(writer.line(entry)) }
                }
                output.flush()
                return
            }
            let selected = try await reader.daemonEvents().filter { event in
                query.since.map { event.at >= $0 } ?? true && query.until.map { event.at <= $0 } ?? true
            }
            print(DaemonEventFormatter.render(selected, csv: format == .csv))
        } }
    }
}
