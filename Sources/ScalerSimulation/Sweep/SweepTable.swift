import Foundation
import ScalerCharts
import ScalerCore

/// `scalerd simulate --sweep` for a terminal, a Markdown document, or a chart.
public enum SweepTable {
    static let headers = ["settings", "worker-s", "x OPT", "over target", "p99 s"]

    static func row(_ point: SweepPoint) -> [String] {
        [
            point.settings + (point.isDefault ? " (default)" : ""),
            String(format: "%.0f", point.workerSeconds),
            String(format: "%.2f", point.clairvoyantRatio),
            String(format: "%.2f%%", point.overTarget * 100),
            String(format: "%.1f", point.waitP99),
        ]
    }

    static func heading(_ report: SweepReport) -> [String] {
        let runs = report.families.reduce(0) { $0 + $1.points.count }
        return [
            "trace: \(report.trace), \(report.requests) requests over \(String(format: "%.0f", report.traceSpan))s",
            "workers: \(report.workerModel)",
            "OPT (clairvoyant, pays cold starts of \(CompactNumber.text(report.clairvoyant.coldStart))s, no floor): \(String(format: "%.0f", report.clairvoyant.workerSeconds)) worker-s; over target = waited more than \(CompactNumber.text(report.delayTarget))s",
            "\(runs) settings in \(report.families.count) families; each family's Pareto frontier of worker-seconds against share over target",
        ]
    }

    /// The default's row below the frontier when it is not on it.
    static func rows(_ family: FamilyResult) -> [SweepPoint] {
        let offFrontier = family.defaultPoint.flatMap { point in family.frontier.contains(point) ? nil : point }
        return family.frontier + (offFrontier.map { [$0] } ?? [])
    }

    static func familyTitle(_ family: FamilyResult) -> String {
        let note = family.defaultPoint.map { family.frontier.contains($0) ? "" : "; its default is not on it (last row)" } ?? ""
        return "\(family.name): \(family.frontier.count) of \(family.points.count) settings on the frontier\(note). Knobs: \(family.knobs)"
    }

    public static func text(_ report: SweepReport) -> String {
        var lines = heading(report)
        for family in report.families {
            lines += ["", familyTitle(family)]
            lines += aligned([headers] + rows(family).map(row))
        }
        if !report.comparisons.isEmpty {
            lines += ["", "scalerd against each anchor's frontier:"] + report.comparisons.map { "  \($0.sentence)" }
        }
        return lines.joined(separator: "\n")
    }

    /// Rows as indented columns: the first left-aligned, the rest right-aligned; `marks` follow
    /// the data rows.
    static func aligned(_ rows: [[String]], marks: [String] = []) -> [String] {
        let widths = headers.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.enumerated().map { index, cells in
            "  " + cells.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ") + (index > 0 && index - 1 < marks.count ? marks[index - 1] : "")
        }
    }

    public static func markdown(_ report: SweepReport) -> String {
        var lines = heading(report).map { "- \($0)" }
        for family in report.families {
            lines += ["", "**\(familyTitle(family))**", "", "| " + headers.joined(separator: " | ") + " |"]
            lines.append("|" + headers.indices.map { $0 == 0 ? " --- |" : " ---: |" }.joined())
            lines += rows(family).map { "| " + row($0).joined(separator: " | ") + " |" }
        }
        if !report.comparisons.isEmpty {
            lines += [""] + report.comparisons.map { "- \($0.sentence)" }
        }
        return lines.joined(separator: "\n")
    }

    public static func chart(_ report: SweepReport) -> String {
        let families = report.families.enumerated().map { index, family in
            FrontierChart.Family(
                label: family.name, color: FrontierChart.palette[index % FrontierChart.palette.count],
                frontier: family.frontier.map { ($0.workerSeconds, $0.overTarget * 100) },
                defaultPoint: family.defaultPoint.map { ($0.workerSeconds, $0.overTarget * 100) }
            )
        }
        var chart = FrontierChart(
            title: "\(report.trace): worker-seconds against requests over \(CompactNumber.text(report.delayTarget))s",
            xLabel: "worker-seconds", yLabel: "requests waiting over \(CompactNumber.text(report.delayTarget))s",
            families: families, bound: (report.clairvoyant.workerSeconds, "OPT \(String(format: "%.0f", report.clairvoyant.workerSeconds))")
        )
        // Half the requests over target, or six times OPT, is past any setting worth choosing.
        chart.xLimit = report.clairvoyant.workerSeconds > 0 ? 6 * report.clairvoyant.workerSeconds : nil
        chart.yLimit = 50
        return chart.svg
    }
}
