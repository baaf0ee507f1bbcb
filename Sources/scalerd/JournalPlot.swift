import Foundation
import ScalerCharts
import ScalerConfig
import ScalerJournal

/// One endpoint's journal as a picture: replicas decided and running, queue delay and
/// concurrency over time, each scale event marked.
enum JournalPlot {
    static func svg(
        _ rows: [JournalEntry], endpoint: String, from: Date, to: Date, timeZone: TimeZone,
        controlled: ControlledTime = .always, events: [DaemonEvent] = []
    ) -> String {
        // Each row is a point; a stretch in which nobody decided starts a point of no values,
        // which breaks every line there, and is shaded.
        let gaps = controlled.gaps.filter { ($0.until ?? to) > from && $0.from < to }
        let points = (rows.map { Point.row($0) } + gaps.map { Point.gap($0.from) }).sorted { $0.at < $1.at }
        // A decision from before the range is drawn from its start.
        let times = points.map { max(0, $0.at.timeIntervalSince(from)) }
        let end = to.timeIntervalSince(from)
        let scaleEvents = rows.filter { $0.action != .hold }.map { row in
            SVGChart.Marker(
                time: row.at.timeIntervalSince(from), color: row.action == .scaleUp ? "#2a9d3a" : "#e07b00",
                label: "\(JournalFormatter.timestamp(row.at)) #\(row.id ?? 0): \(row.reason)"
            )
        }
        let lifecycle = events.filter { $0.event == .start || $0.event == .stop }.map { event in
            SVGChart.Marker(
                time: event.at.timeIntervalSince(from), color: "#000000",
                label: "\(JournalFormatter.timestamp(event.at)): scalerd \(event.event == .start ? "started" : "stopped") (\(event.reason))"
            )
        }
        let spans = gaps.map { gap in
            SVGChart.Span(
                from: gap.from.timeIntervalSince(from), to: (gap.until ?? to).timeIntervalSince(from),
                label: "not controlled from \(JournalFormatter.timestamp(gap.from)) to \(gap.until.map(JournalFormatter.timestamp) ?? "now"): \(gap.cause)"
            )
        }
        func chart(_ title: String, _ unit: String, _ series: [SVGChart.Series]) -> SVGChart {
            var chart = SVGChart(title: title, unit: unit, times: times, series: series)
            chart.markers = scaleEvents + lifecycle
            chart.spans = spans
            chart.timeAxis = .clock(origin: from, timeZone: timeZone)
            chart.end = end
            return chart
        }
        func values(_ value: (JournalEntry) -> Double) -> [Double] {
            points.map { $0.row.map(value) ?? .nan }
        }
        // A hold run stands for many evaluations: its highest inputs are what it saw at worst.
        let charts = [
            chart("replicas (scale-ups green, scale-downs orange, starts and stops black, not running shaded)", "", [
                SVGChart.Series(label: "desired", color: "#1f6feb", values: values { Double($0.desired) }),
                SVGChart.Series(label: "running", color: "#888888", values: values { Double($0.currentReplicas) }),
            ]),
            chart("queue delay", "s", [
                SVGChart.Series(label: "queue delay", color: "#d1242f", values: values { $0.queueDelayMax ?? $0.queueDelay ?? .nan }),
            ]),
            chart("concurrency", "", [
                SVGChart.Series(label: "in flight + queued", color: "#8250df", values: values(concurrency)),
            ]),
        ]
        let notRunning = gaps.isEmpty ? "" : ", not running for \(DurationParser.format(controlled.uncontrolled(from: from, to: to).rounded()))"
        let title = "scalerd journal: \(endpoint), \(JournalFormatter.timestamp(from)) to \(JournalFormatter.timestamp(to)), \(rows.count) row(s), \(scaleEvents.count) scale event(s)\(notRunning)"
        return SVGChart.document(title: title, charts: charts)
    }

    /// A row to draw, or the start of a stretch with nothing to draw.
    private enum Point {
        case row(JournalEntry)
        case gap(Date)

        var at: Date {
            switch self {
            case .row(let row): return row.at
            case .gap(let start): return start
            }
        }

        var row: JournalEntry? {
            if case .row(let row) = self { return row }
            return nil
        }
    }

    private static func concurrency(_ row: JournalEntry) -> Double {
        let inFlight = row.inFlightMax ?? row.inFlight
        let queued = row.queuedMax ?? row.queued
        guard inFlight != nil || queued != nil else { return .nan }
        return Double((inFlight ?? 0) + (queued ?? 0))
    }
}
