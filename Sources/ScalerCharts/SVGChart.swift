import Foundation

/// A small line or bar chart as inline SVG: no scripts, no external files, so a report or a
/// plot opens anywhere, offline.
public struct SVGChart: Sendable {
    public struct Series: Sendable {
        public var label: String
        public var color: String
        public var values: [Double]
        public var bars: Bool

        public init(label: String, color: String, values: [Double], bars: Bool = false) {
            self.label = label
            self.color = color
            self.values = values
            self.bars = bars
        }
    }

    /// A moment worth a vertical line, such as a scale event.
    public struct Marker: Sendable {
        public var time: Double
        public var color: String
        public var label: String

        public init(time: Double, color: String, label: String) {
            self.time = time
            self.color = color
            self.label = label
        }
    }

    /// A stretch worth shading, such as one in which no daemon was deciding.
    public struct Span: Sendable {
        public var from: Double
        public var to: Double
        public var label: String

        public init(from: Double, to: Double, label: String) {
            self.from = from
            self.to = to
            self.label = label
        }
    }

    /// How the time axis is labelled: time since the start, or wall-clock times.
    public enum TimeAxis: Sendable {
        case elapsed
        case clock(origin: Date, timeZone: TimeZone)
    }

    public var title: String
    public var unit: String
    public var times: [Double]
    public var series: [Series]
    public var markers: [Marker] = []
    public var spans: [Span] = []
    public var timeAxis = TimeAxis.elapsed
    /// The end of the time axis; the last time when `nil`.
    public var end: Double?
    public var width = 900.0
    public var height = 150.0
    private let left = 56.0, right = 12.0, top = 22.0, bottom = 22.0

    /// The classes the charts use, for a page or a standalone file.
    public static let style = """
        .title { font: 600 13px sans-serif; fill: #222; } .axis { font: 11px sans-serif; fill: #555; } \
        .grid { stroke: #ddd; stroke-width: 1; } .marker { stroke-width: 1; stroke-dasharray: 3 2; opacity: 0.8; }
        """

    public init(title: String, unit: String, times: [Double], series: [Series]) {
        self.title = title
        self.unit = unit
        self.times = times
        self.series = series
    }

    public var svg: String {
        let maxValue = max(series.flatMap(\.values).filter(\.isFinite).max() ?? 0, 1e-9)
        let top = niceCeiling(maxValue)
        let first = times.first ?? 0
        let last = max(end ?? times.last ?? 0, first)
        let span = max(last - first, 1)
        let plotWidth = width - left - right, plotHeight = height - self.top - bottom
        func x(_ time: Double) -> Double { left + (time - first) / span * plotWidth }
        func y(_ value: Double) -> Double { self.top + plotHeight - value / top * plotHeight }

        var parts = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img">"#]
        parts.append(#"<title>\#(HTML.escape(title))</title>"#)
        parts.append(#"<text x="\#(left)" y="14" class="title">\#(HTML.escape(title))</text>"#)
        for fraction in [0.0, 0.5, 1.0] {
            let gridY = y(top * fraction)
            parts.append(#"<line x1="\#(left)" x2="\#(width - right)" y1="\#(fmt(gridY))" y2="\#(fmt(gridY))" class="grid"/>"#)
            parts.append(#"<text x="\#(left - 6)" y="\#(fmt(gridY + 4))" class="axis" text-anchor="end">\#(label(top * fraction))</text>"#)
        }
        let (startLabel, endLabel) = timeLabels(first: first, last: last)
        parts.append(#"<text x="\#(width - right)" y="\#(height - 6)" class="axis" text-anchor="end">\#(endLabel)</text>"#)
        parts.append(#"<text x="\#(left)" y="\#(height - 6)" class="axis">\#(startLabel)</text>"#)
        for span in spans where span.to > first && span.from < last {
            let from = x(max(span.from, first)), to = x(min(span.to, last))
            parts.append(##"<rect x="\##(fmt(from))" y="\##(self.top)" width="\##(fmt(max(to - from, 1)))" height="\##(fmt(plotHeight))" fill="#eeeeee" class="span"><title>\##(HTML.escape(span.label))</title></rect>"##)
        }
        for marker in markers where marker.time >= first && marker.time <= last {
            let markerX = fmt(x(marker.time))
            parts.append(#"<line x1="\#(markerX)" x2="\#(markerX)" y1="\#(self.top)" y2="\#(fmt(y(0)))" stroke="\#(marker.color)" class="marker"><title>\#(HTML.escape(marker.label))</title></line>"#)
        }
        for (index, line) in series.enumerated() {
            if line.bars {
                let barWidth = max(plotWidth / Double(max(times.count, 1)), 0.5)
                let rects = zip(times, line.values).filter { $0.1 > 0 }.map { time, value in
                    #"<rect x="\#(fmt(x(time)))" y="\#(fmt(y(value)))" width="\#(fmt(barWidth))" height="\#(fmt(y(0) - y(value)))"/>"#
                }
                parts.append(#"<g fill="\#(line.color)" opacity="0.7">\#(rects.joined())</g>"#)
            } else {
                // Steps, not slopes: a replica count holds until it changes. Unknown values break the line.
                var runs: [[String]] = [[]]
                for (offset, value) in line.values.enumerated() {
                    guard value.isFinite else { runs.append([]); continue }
                    let start = x(times[offset])
                    let stop = offset + 1 < times.count ? x(times[offset + 1]) : x(last)
                    runs[runs.count - 1].append("\(fmt(start)),\(fmt(y(value))) \(fmt(stop)),\(fmt(y(value)))")
                }
                for run in runs where !run.isEmpty {
                    parts.append(#"<polyline fill="none" stroke="\#(line.color)" stroke-width="1.5" points="\#(run.joined(separator: " "))"/>"#)
                }
            }
            let legendX = width - right - 150.0 * Double(series.count - index)
            parts.append(#"<rect x="\#(fmt(legendX))" y="6" width="10" height="10" fill="\#(line.color)"/><text x="\#(fmt(legendX + 14))" y="15" class="axis">\#(HTML.escape(line.label))</text>"#)
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// Charts stacked into one standalone SVG file, with their style.
    public static func document(title: String, charts: [SVGChart]) -> String {
        let width = charts.map(\.width).max() ?? 900
        var offset = 30.0
        var parts = [
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(30 + charts.reduce(0) { $0 + $1.height + 10 }))" style="background: #fff">"#,
            "<style>\(style)</style>",
            #"<text x="12" y="20" class="title">\#(HTML.escape(title))</text>"#,
        ]
        for chart in charts {
            parts.append(#"<g transform="translate(0 \#(Int(offset)))">"#)
            parts.append(chart.svg)
            parts.append("</g>")
            offset += chart.height + 10
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    private func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    private func label(_ value: Double) -> String {
        (value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)) + (unit.isEmpty ? "" : " \(unit)")
    }

    private func timeLabels(first: Double, last: Double) -> (String, String) {
        switch timeAxis {
        case .elapsed:
            let span = last - first
            return ("0", span >= 7_200 ? String(format: "%.1f h", span / 3_600) : String(format: "%.0f min", span / 60))
        case .clock(let origin, let timeZone):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            func clock(_ seconds: Double) -> String {
                let parts = calendar.dateComponents([.month, .day, .hour, .minute], from: origin.addingTimeInterval(seconds))
                return String(format: "%02d-%02d %02d:%02d", parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
            }
            let zone = timeZone.identifier == "GMT" || timeZone.identifier == "UTC" ? " UTC" : " \(timeZone.identifier)"
            return (clock(first), clock(last) + zone)
        }
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}

public enum HTML {
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
