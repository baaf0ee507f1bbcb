import ArgumentParser
import Foundation
import ScalerJournal

struct JournalExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell in plain sentences how one decision came about (the ID is the first column of `journal list`)."
    )

    @Argument(help: "The decision's ID.")
    var id: Int64

    @OptionGroup var location: JournalLocation

    func run() throws {
        try reportingFailure {
            let path = try location.path()
            guard let entry = try JournalReader(path: path).entry(id: id) else {
                throw CommandFailure("\(path): no decision with ID \(id)")
            }
            print(JournalExplanation.text(entry))
        }
    }
}
