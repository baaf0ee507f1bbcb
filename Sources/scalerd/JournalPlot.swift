import Foundation
import ScalerCharts
import ScalerJournal

/// One endpoint's journal as a picture: replicas decided and running, queue delay and
/// concurrency over time, each scale event marked.
enum JournalPlot {
    static func svg(_ rows: [JournalEntry], endpoint: String, from: Date, to: Date, timeZone: TimeZone) -> String {
        // A decision from before the range is drawn from its start.
        let times = rows.map { max(0, $0.at.timeIntervalSince(from)) }
        let end = to.timeIntervalSince(from)
        let markers = rows.filter { $0.action != .hold }.map { row in
            SVGChart.Marker(
                time: row.at.timeIntervalSince(from), color: row.action == .scaleUp ? "#2a9d3a" : "#e07b00",
                label: "\(JournalFormatter.timestamp(row.at)) #\(row.id ?? 0): \(row.reason)"
            )
        }
        func chart(_ title: String, _ unit: String, _ series: [SVGChart.Series]) -> SVGChart {
            var chart = SVGChart(title: title, unit: unit, times: times, series: series)
            chart.markers = markers
            chart.timeAxis = .clock(origin: from, timeZone: timeZone)
            chart.end = end
            return chart
        }
        // A hold run stands for many evaluations: its highest inputs are what it saw at worst.
        let charts = [
            chart("replicas (scale-ups green, scale-downs orange)", "", [
                SVGChart.Series(label: "desired", color: "#1f6feb", values: rows.map { Double($0.desired) }),
                SVGChart.Series(label: "running", color: "#888888", values: rows.map { Double($0.currentReplicas) }),
            ]),
            chart("queue delay", "s", [
                SVGChart.Series(label: "queue delay", color: "#d1242f", values: rows.map { $0.queueDelayMax ?? $0.queueDelay ?? .nan }),
            ]),
            chart("concurrency", "", [
                SVGChart.Series(label: "in flight + queued", color: "#8250df", values: rows.map(concurrency)),
            ]),
        ]
        let title = "scalerd journal: \(endpoint), \(JournalFormatter.timestamp(from)) to \(JournalFormatter.timestamp(to)), \(rows.count) row(s), \(markers.count) scale event(s)"
        return SVGChart.document(title: title, charts: charts)
    }

    private static func concurrency(_ row: JournalEntry) -> Double {
        let inFlight = row.inFlightMax ?? row.inFlight
        let queued = row.queuedMax ?? row.queued
        guard inFlight != nil || queued != nil else { return .nan }
        return Double((inFlight ?? 0) + (queued ?? 0))
    }
}
