import ArgumentParser
import Foundation
import ScalerJournal

struct JournalVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain: name the first row changed, removed or inserted after it was written.",
        discussion: "Exits 0 when the chain is intact, 1 when it is broken (or the journal cannot be read)."
    )

    @OptionGroup var location: JournalLocation

    func run() throws {
        try reportingFailure {
            let path = try location.path()
            let result = try JournalReader(path: path).verify()
            let prunes = result.prunes == 0 ? "" : ", continuing from \(result.prunes) recorded prune(s)"
            guard let problem = result.problem else {
                print("\(path): intact, \(result.rowsChecked) row(s) checked\(prunes)")
                return
            }
            print("\(path): BROKEN at row \(problem.rowID): \(problem)")
            throw ExitCode.failure
        }
    }
}
