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
                list(result.gaps.filter { $0.kind == .journalUnavailable }, "could not be recorded while the journal was unavailable (nothing was acted on then)")
                list(result.gaps.filter { $0.kind == .termLost }, "of a term its leader lost could not be recorded (the shared journal took the next term's rows first; pushes among them may have been made)")
                return
            }
            print("\(path): BROKEN at \(problem.inDaemonEvents ? "daemon event" : "row") \(problem.rowID): \(problem)")
            throw ExitCode.failure
        } }
    }

    /// Prints the gaps of one kind, if any, under a line that says what they mean.
    private func list(_ gaps: [JournalGap], _ meaning: String) {
        guard !gaps.isEmpty else { return }
        let evaluations = gaps.reduce(0) { $0 + $1.evaluations }
        print("\(evaluations) evaluation(s) in \(gaps.count) gap(s) \(meaning):")
        for gap in gaps {
            print("  row \(gap.rowID): \(gap.endpoint) from \(JournalFormatter.timestamp(gap.since)) to \(JournalFormatter.timestamp(gap.until)), \(gap.evaluations) evaluation(s)")
        }
    }
}
