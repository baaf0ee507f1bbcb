import Foundation

/// A small line or bar chart as inline SVG: no scripts, no external files, so a report opens
/// anywhere, offline.
struct SVGChart {
    struct Series {
        var label: String
        var color: String
        var values: [Double]
        var bars = false
    }

    var title: String
    var unit: String
    var times: [Double]
    var series: [Series]
    var width = 900.0
    var height = 150.0
    private let left = 56.0, right = 12.0, top = 22.0, bottom = 22.0

    init(title: String, unit: String, times: [Double], series: [Series]) {
        self.title = title
        self.unit = unit
        self.times = times
        self.series = series
    }

    var svg: String {
        let maxValue = max(series.flatMap(\.values).max() ?? 0, 1e-9)
        let top = niceCeiling(maxValue)
        let span = max((times.last ?? 0) - (times.first ?? 0), 1)
        let plotWidth = width - left - right, plotHeight = height - self.top - bottom
        func x(_ time: Double) -> Double { left + (time - (times.first ?? 0)) / span * plotWidth }
        func y(_ value: Double) -> Double { self.top + plotHeight - value / top * plotHeight }

        var parts = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img">"#]
        parts.append(#"<title>\#(HTML.escape(title))</title>"#)
        parts.append(#"<text x="\#(left)" y="14" class="title">\#(HTML.escape(title))</text>"#)
        for fraction in [0.0, 0.5, 1.0] {
            let gridY = y(top * fraction)
            parts.append(#"<line x1="\#(left)" x2="\#(width - right)" y1="\#(fmt(gridY))" y2="\#(fmt(gridY))" class="grid"/>"#)
            parts.append(#"<text x="\#(left - 6)" y="\#(fmt(gridY + 4))" class="axis" text-anchor="end">\#(label(top * fraction))</text>"#)
        }
        parts.append(#"<text x="\#(width - right)" y="\#(height - 6)" class="axis" text-anchor="end">\#(timeLabel(span))</text>"#)
        parts.append(#"<text x="\#(left)" y="\#(height - 6)" class="axis">0</text>"#)
        for (index, line) in series.enumerated() {
            if line.bars {
                let barWidth = max(plotWidth / Double(max(times.count, 1)), 0.5)
                let rects = zip(times, line.values).filter { $0.1 > 0 }.map { time, value in
                    #"<rect x="\#(fmt(x(time)))" y="\#(fmt(y(value)))" width="\#(fmt(barWidth))" height="\#(fmt(y(0) - y(value)))"/>"#
                }
                parts.append(#"<g fill="\#(line.color)" opacity="0.7">\#(rects.joined())</g>"#)
            } else {
                // Steps, not slopes: a replica count holds until it changes.
                var points: [String] = []
                for (offset, value) in line.values.enumerated() {
                    let start = x(times[offset])
                    let end = offset + 1 < times.count ? x(times[offset + 1]) : width - right
                    points.append("\(fmt(start)),\(fmt(y(value))) \(fmt(end)),\(fmt(y(value)))")
                }
                parts.append(#"<polyline fill="none" stroke="\#(line.color)" stroke-width="1.5" points="\#(points.joined(separator: " "))"/>"#)
            }
            let legendX = width - right - 150.0 * Double(series.count - index)
            parts.append(#"<rect x="\#(fmt(legendX))" y="6" width="10" height="10" fill="\#(line.color)"/><text x="\#(fmt(legendX + 14))" y="15" class="axis">\#(HTML.escape(line.label))</text>"#)
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    private func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    private func label(_ value: Double) -> String {
        (value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)) + (unit.isEmpty ? "" : " \(unit)")
    }

    private func timeLabel(_ seconds: Double) -> String {
        seconds >= 7_200 ? String(format: "%.1f h", seconds / 3_600) : String(format: "%.0f min", seconds / 60)
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}

enum HTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
