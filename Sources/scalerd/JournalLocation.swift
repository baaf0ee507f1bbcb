import ArgumentParser
import Foundation
import ScalerConfig

/// Which journal a `journal` subcommand reads: the one a config names, or a file given directly.
struct JournalLocation: ParsableArguments {
    @Option(name: .shortAndLong, help: "Config file whose journal.path to use.")
    var config = Defaults.configPath

    @Option(help: "Journal file; overrides --config.")
    var journal: String?

    func path() throws -> String {
        try journal ?? JournalLocator.path(inConfig: config)
    }
}

/// Runs a subcommand body; an error is printed as `scalerd: ...` and exits 1.
func reportingFailure(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("scalerd: \(error)\n".utf8))
        throw ExitCode.failure
    }
}
