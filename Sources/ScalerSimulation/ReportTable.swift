import Foundation
import ScalerCore

/// The summary table, for a terminal or for Markdown documents.
public enum ReportTable {
    static let headers = ["policy", "worker-s", "x OPT", "x bound", "$", "cold starts", "scale events", "p50 s", "p95 s", "p99 s", "max s", "over target"]

    static func row(_ result: PolicyResult) -> [String] {
        [
            result.name,
            String(format: "%.0f", result.workerSeconds),
            String(format: "%.2f", result.clairvoyantRatio),
            String(format: "%.2f", result.lowerBoundRatio),
            result.cost.map { String(format: "%.2f", $0) } ?? "-",
            String(result.coldStarts),
            String(result.scaleEvents),
            String(format: "%.1f", result.waitP50),
            String(format: "%.1f", result.waitP95),
            String(format: "%.1f", result.waitP99),
            String(format: "%.1f", result.waitMax),
            String(format: "%.2f%%", result.overTarget * 100) + (result.unserved > 0 ? " (\(result.unserved) unserved)" : ""),
        ]
    }

    static func heading(_ report: SimulationReport) -> [String] {
        [
            "trace: \(report.trace), \(report.requests) requests over \(String(format: "%.0f", report.traceSpan))s",
            "workers: \(report.workerModel)",
            "OPT (clairvoyant, pays cold starts of \(CompactNumber.text(report.clairvoyant.coldStart))s, \(report.clairvoyant.minReplicas) always on): \(String(format: "%.0f", report.clairvoyant.workerSeconds)) worker-s; "
                + "bound (no cold starts): \(String(format: "%.0f", report.lowerBound.workerSeconds)) worker-s (peak \(report.lowerBound.peakWorkers) workers)",
            "over target = waited more than \(CompactNumber.text(report.delayTarget))s",
        ]
    }

    public static func text(_ report: SimulationReport) -> String {
        let rows = [headers] + report.policies.map(row)
        let widths = headers.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { cells in
            cells.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let settings = report.policies.map { "  \($0.name): \($0.summary)" }
        let verdicts = report.verdicts.isEmpty ? [] : ["", "against the baselines:"] + report.verdicts.map { "  \($0.sentence)" }
        return (heading(report) + [""] + lines + ["", "settings:"] + settings + verdicts).joined(separator: "\n")
    }

    public static func markdown(_ report: SimulationReport) -> String {
        let head = "| " + headers.joined(separator: " | ") + " |"
        let rule = "|" + headers.indices.map { $0 == 0 ? " --- |" : " ---: |" }.joined()
        let body = report.policies.map { "| " + row($0).joined(separator: " | ") + " |" }
        let verdicts = report.verdicts.isEmpty ? [] : [""] + report.verdicts.map { "- \($0.sentence)" }
        return (heading(report).map { "- \($0)" } + ["", head, rule] + body + verdicts).joined(separator: "\n")
    }
}
