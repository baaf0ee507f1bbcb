import Foundation

/// Cost against service as one standalone SVG: each family's Pareto frontier as a stepped line
/// through its points, each family's default as a ringed point, and a lower bound on cost as a
/// vertical line. Lower left is better on both axes.
public struct FrontierChart: Sendable {
    public struct Family: Sendable {
        public var label: String
        public var color: String
        /// Frontier points, cheapest first: (cost, share over target in percent).
        public var frontier: [(x: Double, y: Double)]
        public var defaultPoint: (x: Double, y: Double)?

        public init(label: String, color: String, frontier: [(x: Double, y: Double)], defaultPoint: (x: Double, y: Double)?) {
            self.label = label
            self.color = color
            self.frontier = frontier
            self.defaultPoint = defaultPoint
        }
    }

    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"]

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var families: [Family]
    /// A cost no setting can go below, drawn as a vertical line.
    public var bound: (x: Double, label: String)?
    /// Where the axes stop, so that a few far points do not squeeze the rest; points beyond are
    /// drawn on the edge.
    public var xLimit: Double?
    public var yLimit: Double?
    public var width = 900.0
    public var height = 520.0

    public init(title: String, xLabel: String, yLabel: String, families: [Family], bound: (x: Double, label: String)? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.families = families
        self.bound = bound
    }

    private let left = 70.0, right = 210.0, top = 40.0, bottom = 50.0

    public var svg: String {
        let points = families.flatMap { $0.frontier + ($0.defaultPoint.map { [$0] } ?? []) }
        let xs = points.map(\.x) + (bound.map { [$0.x] } ?? [])
        let minX = (xs.min() ?? 0) * 0.95
        let maxX = max(min((xs.max() ?? 1) * 1.02, xLimit ?? .infinity), minX + 1)
        let maxY = Self.niceCeiling(max(min(points.map(\.y).max() ?? 1, yLimit ?? .infinity), 0.1))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + (min(x, maxX) - minX) / (maxX - minX) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - min(y, maxY) / maxY * plotHeight }

        var parts = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" viewBox="0 0 \##(Int(width)) \##(Int(height))" style="background: #fff; font: 12px sans-serif">"##,
            ##"<text x="\##(left)" y="22" style="font-weight: bold; font-size: 14px">\##(HTML.escape(title))</text>"##,
            ##"<rect x="\##(left)" y="\##(top)" width="\##(f(plotWidth))" height="\##(f(plotHeight))" fill="none" stroke="#999"/>"##,
        ]
        for step in 0...4 {
            let y = maxY * Double(step) / 4
            parts.append(##"<line x1="\##(left)" x2="\##(f(left + plotWidth))" y1="\##(f(py(y)))" y2="\##(f(py(y)))" stroke="#eee"/>"##)
            parts.append(##"<text x="\##(f(left - 6))" y="\##(f(py(y) + 4))" text-anchor="end">\##(Self.number(y))%</text>"##)
            let x = minX + (maxX - minX) * Double(step) / 4
            parts.append(##"<text x="\##(f(px(x)))" y="\##(f(top + plotHeight + 16))" text-anchor="middle">\##(Self.number(x.rounded()))</text>"##)
        }
        parts.append(##"<text x="\##(f(left + plotWidth / 2))" y="\##(f(height - 10))" text-anchor="middle">\##(HTML.escape(xLabel))</text>"##)
        parts.append(##"<text transform="translate(16 \##(f(top + plotHeight / 2))) rotate(-90)" text-anchor="middle">\##(HTML.escape(yLabel))</text>"##)
        if let bound {
            let x = px(bound.x)
            parts.append(##"<line x1="\##(f(x))" x2="\##(f(x))" y1="\##(top)" y2="\##(f(top + plotHeight))" stroke="#000" stroke-dasharray="5 4"/>"##)
            parts.append(##"<text x="\##(f(x + 4))" y="\##(f(top + 14))">\##(HTML.escape(bound.label))</text>"##)
        }
        for (index, family) in families.enumerated() {
            // Stepped: a frontier point holds its share over target until a cheaper-to-serve one.
            var path: [String] = []
            for (position, point) in family.frontier.enumerated() {
                if position > 0 { path.append("L\(f(px(point.x))) \(f(py(family.frontier[position - 1].y)))") }
                path.append("\(position == 0 ? "M" : "L")\(f(px(point.x))) \(f(py(point.y)))")
            }
            if !path.isEmpty {
                parts.append(##"<path d="\##(path.joined(separator: " "))" fill="none" stroke="\##(family.color)" stroke-width="1.5"/>"##)
            }
            for point in family.frontier {
                parts.append(##"<circle cx="\##(f(px(point.x)))" cy="\##(f(py(point.y)))" r="3" fill="\##(family.color)"/>"##)
            }
            if let point = family.defaultPoint {
                parts.append(##"<circle cx="\##(f(px(point.x)))" cy="\##(f(py(point.y)))" r="7" fill="none" stroke="\##(family.color)" stroke-width="2"/>"##)
            }
            let legendY = top + 10 + Double(index) * 18
            let legendX = left + plotWidth + 16
            parts.append(##"<line x1="\##(f(legendX))" x2="\##(f(legendX + 18))" y1="\##(f(legendY))" y2="\##(f(legendY))" stroke="\##(family.color)" stroke-width="2"/>"##)
            parts.append(##"<text x="\##(f(legendX + 24))" y="\##(f(legendY + 4))">\##(HTML.escape(family.label))</text>"##)
        }
        let noteY = top + 24 + Double(families.count) * 18
        parts.append(##"<circle cx="\##(f(left + plotWidth + 25))" cy="\##(f(noteY))" r="7" fill="none" stroke="#555" stroke-width="2"/>"##)
        parts.append(##"<text x="\##(f(left + plotWidth + 40))" y="\##(f(noteY + 4))">default setting</text>"##)
        if xLimit != nil || yLimit != nil {
            parts.append(##"<text x="\##(f(left + plotWidth + 16))" y="\##(f(noteY + 26))">beyond the axes:</text>"##)
            parts.append(##"<text x="\##(f(left + plotWidth + 16))" y="\##(f(noteY + 42))">drawn on the edge</text>"##)
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }
}
