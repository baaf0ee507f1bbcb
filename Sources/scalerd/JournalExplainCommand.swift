import ArgumentParser
import Foundation
import ScalerConfig
import ScalerJournal

struct JournalExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell in plain sentences how one decision came about (the ID is the first column of `journal list`)."
    )

    @Argument(help: "The decision's ID.")
    var id: Int64

    @Option(name: .shortAndLong, help: "Config file whose journal.path to read.")
    var config = Defaults.configPath

    @Option(help: "Journal file; overrides --config.")
    var journal: String?

    func run() throws {
        do {
            let path = try journal ?? JournalLocator.path(inConfig: config)
            guard let entry = try JournalReader(path: path).entry(id: id) else {
                throw CommandFailure("\(path): no decision with ID \(id)")
            }
            print(JournalExplanation.text(entry))
        } catch {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
