import ArgumentParser
import ScalerCore
import Foundation
import ScalerJournal

/// The rows a `journal` subcommand works on.
struct JournalFilter: ParsableArguments {
    @Option(help: "Only this endpoint.")
    var endpoint: String?

    @Option(help: "From this time: a duration ago (2h, 30m) or ISO 8601 (2026-11-22T14:00:00Z).")
    var since: String?

    @Option(help: "Up to this time: a duration ago or ISO 8601.")
    var until: String?

    @Option(help: "Only this action: hold, scale_up or scale_down.")
    var action: ScalingAction?

    func query(now: Date, limit: Int? = nil) throws -> JournalQuery {
        JournalQuery(
            endpoint: endpoint,
            since: try since.map { try TimeArgument.parse($0, option: "--since", now: now) },
            until: try until.map { try TimeArgument.parse($0, option: "--until", now: now) },
            action: action,
            limit: limit
        )
    }
}

extension ScalingAction: ExpressibleByArgument {}
