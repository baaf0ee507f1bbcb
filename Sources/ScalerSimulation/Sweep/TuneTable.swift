import Foundation
import ScalerCore

/// `scalerd tune`'s answer: scalerd's frontier with the chosen setting marked, and each anchor's
/// cheapest setting that meets the same service level.
public enum TuneTable {
    public static func text(_ report: SweepReport, slo: Double) -> String {
        let percent = String(format: "%g%%", slo * 100)
        var lines = SweepTable.heading(report).prefix(3) + ["service level: at most \(percent) of requests over target"]
        guard let scalerd = report.families.first else { return lines.joined(separator: "\n") }
        let chosen = Tuning.cheapest(meeting: slo, in: scalerd).map { scalerd.points[$0] }
        let rows = scalerd.frontier + (chosen.map { scalerd.frontier.contains($0) ? [] : [$0] } ?? [])
        lines += ["", "\(scalerd.name): frontier of its \(scalerd.points.count) settings (\(scalerd.knobs))"]
        lines += SweepTable.aligned([SweepTable.headers] + rows.map(SweepTable.row), marks: rows.map { $0 == chosen ? "  <- cheapest within \(percent)" : "" })
        lines += ["", "cheapest setting of each family within \(percent) over target:"]
        for family in report.families {
            guard let index = Tuning.cheapest(meeting: slo, in: family) else {
                lines.append("  \(family.name): none of its \(family.points.count) settings")
                continue
            }
            let point = family.points[index]
            var line = String(format: "  %@: %@, %.0f worker-s (%.2fx OPT), %.2f%% over target", family.name, point.settings, point.workerSeconds, point.clairvoyantRatio, point.overTarget * 100)
            if let chosen, family.name != scalerd.name, point.workerSeconds > 0 {
                line += String(format: "; scalerd's choice costs %+.1f%%", (chosen.workerSeconds / point.workerSeconds - 1) * 100)
            }
            lines.append(line)
        }
        if let configured = scalerd.defaultPoint {
            lines += ["", configuredLine(configured, report: report, slo: slo, percent: percent)]
        }
        return lines.joined(separator: "\n")
    }

    /// The policy as the config has it (an SLO policy, or the knobs as set) beside each anchor's
    /// cheapest setting within the same service level: what running it saves or costs.
    static func configuredLine(_ configured: SweepPoint, report: SweepReport, slo: Double, percent: String) -> String {
        let verdict = configured.overTarget <= slo ? "meets \(percent)" : "misses \(percent)"
        var line = String(format: "as configured (%@): %.0f worker-s (%.2fx OPT), %.2f%% over target, ", configured.settings, configured.workerSeconds,
                          configured.clairvoyantRatio, configured.overTarget * 100) + verdict
        let against = report.families.dropFirst().compactMap { family -> String? in
            guard let index = Tuning.cheapest(meeting: slo, in: family), family.points[index].workerSeconds > 0 else { return nil }
            return String(format: "%@ %+.1f%%", family.name, (configured.workerSeconds / family.points[index].workerSeconds - 1) * 100)
        }
        if !against.isEmpty { line += "; against each family's cheapest within \(percent): " + against.joined(separator: ", ") }
        return line
    }
}
