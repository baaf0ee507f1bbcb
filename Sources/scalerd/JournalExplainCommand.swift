import ArgumentParser
import Foundation
import ScalerJournal

struct JournalExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell in plain sentences how one decision came about, or what was in force at an instant.",
        discussion: """
        Give a decision's ID (the first column of `journal list`), or --at TIME for the decision \
        in force then (every endpoint's, or --endpoint's); an instant at which scalerd was not \
        running is said to be one, with what the provider had been left with.
        """
    )

    @Argument(help: "The decision's ID.")
    var id: Int64?

    @Option(help: "An instant: a duration ago (2h) or ISO 8601 (2026-11-22T14:00:00Z).")
    var at: String?

    @Option(help: "With --at: only this endpoint.")
    var endpoint: String?

    @OptionGroup var location: JournalLocation

    func validate() throws {
        if (id == nil) == (at == nil) { throw ValidationError("give either a decision ID or --at TIME") }
        if endpoint != nil, at == nil { throw ValidationError("--endpoint goes with --at") }
    }

    func run() async throws {
        try await reportingFailure { try await location.reading { reader in
            if let id {
                guard let entry = try await reader.entry(id: id) else { throw CommandFailure("\(reader.location): no decision with ID \(id)") }
                print(JournalExplanation.text(entry))
                return
            }
            let now = Date()
            let instant = try TimeArgument.parse(at ?? "", option: "--at", now: now)
            let inForce = try await reader.decisionsInForce(at: instant, endpoint: endpoint)
            let gap = try await reader.controlledTime(now: now, endpoint: endpoint).gap(at: instant)
            print(InstantExplanation.text(at: instant, inForce: inForce, gap: gap, events: try await reader.daemonEvents(), endpoint: endpoint))
        } }
    }
}
