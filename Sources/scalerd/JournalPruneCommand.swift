import ArgumentParser
import Foundation
import ScalerConfig
import Logging
import ScalerDaemon
import ScalerJournal

struct JournalPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete the rows that ended before a time, oldest first; the prune itself is journalled.",
        discussion: """
            The only way rows leave the journal. Run it as the daemon's user (sudo -u scalerd ...), so \
            that the files SQLite creates beside the journal stay the daemon's. `journal.retention` in \
            the config does the same automatically.
            """
    )

    @OptionGroup var location: JournalLocation

    @Option(help: "Delete rows that ended before this: a duration ago (90d) or ISO 8601.")
    var before: String

    func run() async throws {
        do {
            let now = Date()
            let cutoff = try TimeArgument.parse(before, option: "--before", now: now)
            let journal = try await JournalOpening.store(JournalSettings(store: location.store()), logger: Logger(label: "scalerd"))
            let path = journal.location
            let result = try await journal.prune(before: cutoff, reason: "scalerd journal prune --before \(before)", at: now)
            try await journal.close()
            if let last = result.lastRemovedID {
                print("\(path): removed \(result.removedRows) row(s), up to ID \(last); the prune is recorded in journal_prune")
            } else {
                print("\(path): no row ended before \(JournalFormatter.timestamp(cutoff)); nothing removed")
            }
        } catch let failure as ValidationError {
            throw failure
        } catch {
            FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
