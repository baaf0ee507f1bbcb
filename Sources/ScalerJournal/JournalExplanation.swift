import Foundation

/// `scalerd journal explain ID`: one decision told in plain sentences, in the order it was made.
public enum JournalExplanation {
    public static func text(_ entry: JournalEntry) -> String {
        var lines = [identity(entry)]
        if entry.repeats > 1 { lines.append(run(entry)) }
        lines.append(inputs(entry))
        lines.append(entry.rawDesired.map { "Raw recommendation: the load alone asked for \($0) replica(s)." }
            ?? "Raw recommendation: none; unusable metrics never size a scale-down.")
        if entry.clamps.isEmpty {
            lines.append("Clamps: none changed it.")
        } else {
            lines.append("Clamps, in the order applied:")
            for (index, clamp) in entry.clamps.enumerated() {
                lines.append("  \(index + 1). \(clamp.kind.rawValue) moved it from \(clamp.before) to \(clamp.after): \(clamp.detail)")
            }
        }
        lines.append("Result: \(result(entry)).")
        lines.append("Provider: \(provider(entry)).")
        if !entry.drift.isEmpty {
            let fixed = entry.pushed ? "corrected by this push" : "reported, not corrected (\(entry.outcome))"
            lines.append("Drift: \(entry.drift.map(\.description).joined(separator: "; ")): \(fixed).")
        }
        lines.append("Reason as journalled: \(entry.reason)")
        return lines.joined(separator: "\n")
    }

    private static func identity(_ entry: JournalEntry) -> String {
        "Decision \(entry.id.map(String.init) ?? "?") for \(entry.endpoint) (provider \(entry.provider)) at \(JournalFormatter.timestamp(entry.at)), mode \(entry.mode), policy version \(entry.policyVersion)."
    }

    private static func run(_ entry: JournalEntry) -> String {
        var ranges: [String] = []
        if let low = entry.queueDelayMin, let high = entry.queueDelayMax, low != high { ranges.append(String(format: "queue delay %.2f-%.2f s", low, high)) }
        if let low = entry.queuedMin, let high = entry.queuedMax, low != high { ranges.append("queued \(low)-\(high)") }
        if let low = entry.inFlightMin, let high = entry.inFlightMax, low != high { ranges.append("in flight \(low)-\(high)") }
        let varied = ranges.isEmpty ? "with the same inputs each time" : "while the inputs ranged over \(ranges.joined(separator: ", "))"
        return "The same decision was made \(entry.repeats) times in a row, the last at \(JournalFormatter.timestamp(entry.lastAt)), \(varied); the inputs below are the first."
    }

    private static func inputs(_ entry: JournalEntry) -> String {
        var measured: [String] = []
        if let delay = entry.queueDelay {
            measured.append(String(format: "queue delay %.2f s", delay) + (entry.queueDelayEstimated ? " (estimated from throughput by Little's law)" : ""))
        }
        if let queued = entry.queued { measured.append("\(queued) queued") }
        if let inFlight = entry.inFlight { measured.append("\(inFlight) in flight") }
        if let ready = entry.readyWorkers { measured.append("\(ready) ready worker(s)") }
        let age = entry.metricAge.map { String(format: ", %.1f s old", $0) } ?? ""
        var sentence = "Inputs: metrics were \(entry.metricStatus)\(age)"
        if let error = entry.metricError { sentence += " (\(error))" }
        sentence += measured.isEmpty ? "; nothing was measured." : ": \(measured.joined(separator: ", "))."
        return sentence + " The provider was running \(entry.currentReplicas) replica(s)."
    }

    private static func result(_ entry: JournalEntry) -> String {
        switch entry.action {
        case .scaleUp: return "scale up from \(entry.currentReplicas) to \(entry.desired)"
        case .scaleDown: return "scale down from \(entry.currentReplicas) to \(entry.desired)"
        case .hold: return "hold at \(entry.desired)"
        }
    }

    private static func provider(_ entry: JournalEntry) -> String {
        let latency = entry.providerLatencyMs.map { String(format: " in %.0f ms", $0) } ?? ""
        switch entry.outcome {
        case .ok: return "pushed \(entry.desired) and the provider accepted it\(latency)"
        case .unchanged: return "nothing pushed: the provider already ran \(entry.desired) with the wanted settings"
        case .dryRun: return "nothing pushed: the endpoint is in dry-run mode"
        case .skipped: return "nothing pushed: \(entry.errorMessage ?? "skipped")"
        case .standby: return "nothing pushed: this instance was on \(entry.errorMessage ?? "standby")"
        case .error: return "the push failed\(latency) (\(entry.errorKind?.rawValue ?? "error")): \(entry.errorMessage ?? "no message"); the next tick decides again"
        }
    }
}
