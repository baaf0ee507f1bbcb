import ScalerCharts

/// `--report FILE.html`: one self-contained page with the summary table and, per policy, arrivals,
/// replicas and queue delay over time.
public enum ReportHTML {
    public static func render(_ report: SimulationReport) -> String {
        let table = tableHTML(report)
        let sections = report.policies.map { policySection($0) }.joined(separator: "\n")
        let heading = ReportTable.heading(report).map { "<li>\(HTML.escape($0))</li>" }.joined()
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>scalerd simulate: \(HTML.escape(report.trace))</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 960px; }
        table { border-collapse: collapse; margin: 12px 0; }
        th, td { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        svg { display: block; margin: 6px 0; background: #fafafa; }
        svg .title { font-weight: 600; font-size: 12px; }
        svg .axis { font-size: 10px; fill: #555; }
        svg .grid { stroke: #ddd; }
        .summary { color: #555; font-size: 12px; }
        </style>
        </head>
        <body>
        <h1>scalerd simulate</h1>
        <ul>\(heading)</ul>
        \(table)
        \(sections)
        </body>
        </html>

        """
    }

    private static func tableHTML(_ report: SimulationReport) -> String {
        let head = "<tr>" + ReportTable.headers.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>"
        let rows = report.policies.map { result in
            "<tr>" + ReportTable.row(result).map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
        }
        return "<table id=\"summary\">\(head)\(rows.joined())</table>"
    }

    private static func policySection(_ result: PolicyResult) -> String {
        let times = result.timeline.map(\.start)
        let width = times.count > 1 ? times[1] - times[0] : 1
        let charts = [
            SVGChart(title: "arrivals per second", unit: "", times: times, series: [
                .init(label: "arrivals/s", color: "#7a7a7a", values: result.timeline.map { Double($0.arrivals) / width }, bars: true),
            ]),
            SVGChart(title: "workers", unit: "", times: times, series: [
                .init(label: "asked for", color: "#1f77b4", values: result.timeline.map { Double($0.replicas) }),
                .init(label: "ready", color: "#2ca02c", values: result.timeline.map { Double($0.ready) }),
            ]),
            SVGChart(title: "longest queue delay of the requests arriving", unit: "s", times: times, series: [
                .init(label: "max wait", color: "#d62728", values: result.timeline.map(\.maxWait)),
            ]),
        ]
        return """
        <section class="policy" id="\(HTML.escape(result.name))">
        <h2>\(HTML.escape(result.name))</h2>
        <p class="summary">\(HTML.escape(result.summary))</p>
        \(charts.map(\.svg).joined(separator: "\n"))
        </section>
        """
    }
}
