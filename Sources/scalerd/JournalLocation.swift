import ArgumentParser
import Foundation
import ScalerConfig
import ScalerDaemon
import ScalerJournal

/// Which journal a `journal` subcommand reads: the one a config names, or one given directly.
struct JournalLocation: ParsableArguments {
    @Option(name: .shortAndLong, help: "Config file whose journal (journal.path or journal.url) to use.")
    var config = Defaults.configPath

    @Option(help: "Journal file, or postgres://user@host/db (password from PGPASSWORD); overrides --config.")
    var journal: String?

    func store() throws -> JournalSettings.Store {
        if let journal { return try JournalLocator.store(argument: journal, option: "--journal") }
        return try JournalLocator.store(inConfig: config)
    }

    /// `body` with a read-only view of the journal, let go of after.
    func reading<T>(_ body: (any JournalReading) async throws -> T) async throws -> T {
        try await JournalOpening.reader(store()).closing(body)
    }
}

/// Runs a subcommand body; an error is printed as `scalerd: ...` and exits 1.
func reportingFailure(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
        throw ExitCode.failure
    }
}
