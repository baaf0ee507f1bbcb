import ArgumentParser
import Foundation
import ScalerJournal

struct JournalVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain: name the first row changed, removed or inserted after it was written.",
        discussion: "Exits 0 when the chain is intact, 1 when it is broken (or the journal cannot be read)."
    )

    @OptionGroup var location: JournalLocation

    func run() async throws {
        try await reportingFailure { try await location.reading { reader in
            let path = reader.location
            let result = try await reader.verify()
            let prunes = result.prunes == 0 ? "" : ", continuing from \(result.prunes) recorded prune(s)"
            guard let problem = result.problem else {
                print("\(path): intact, \(result.rowsChecked) row(s) and \(result.eventsChecked) daemon event(s) checked\(prunes)")
                if !result.gaps.isEmpty {
                    let evaluations = result.gaps.reduce(0) { $0 + $1.evaluations }
                    print("\(evaluations) evaluation(s) in \(result.gaps.count) gap(s) could not be recorded while the journal was unavailable (nothing was acted on then):")
                    for gap in result.gaps {
                        print("  row \(gap.rowID): \(gap.endpoint) from \(JournalFormatter.timestamp(gap.since)) to \(JournalFormatter.timestamp(gap.until)), \(gap.evaluations) evaluation(s)")
                    }
                }
                return
            }
            print("\(path): BROKEN at \(problem.inDaemonEvents ? "daemon event" : "row") \(problem.rowID): \(problem)")
            throw ExitCode.failure
        } }
    }
}
