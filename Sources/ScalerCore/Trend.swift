import Foundation

/// A least-squares line through timed values.
struct Trend {
    let slope: Double
    let intercept: Double
    /// The share of the values' variance the line explains (R²): near 1 for a steady ramp, lower
    /// for noise or a step.
    let fit: Double

    /// `nil` for fewer than three points or points all at one instant.
    init?(_ points: [(x: Double, y: Double)]) {
        guard points.count >= 3 else { return nil }
        let count = Double(points.count)
        let meanX = points.reduce(0) { $0 + $1.x } / count
        let meanY = points.reduce(0) { $0 + $1.y } / count
        let spread = points.reduce(0) { $0 + ($1.x - meanX) * ($1.x - meanX) }
        guard spread > 0 else { return nil }
        let slope = points.reduce(0) { $0 + ($1.x - meanX) * ($1.y - meanY) } / spread
        self.slope = slope
        intercept = meanY - slope * meanX
        let total = points.reduce(0) { $0 + ($1.y - meanY) * ($1.y - meanY) }
        let residual = points.reduce(0) { partial, point in
            let error = point.y - (meanY + slope * (point.x - meanX))
            return partial + error * error
        }
        fit = total > 0 ? 1 - residual / total : 0
    }

    /// Steady enough to extrapolate: a step or noise is not a ramp.
    static let steadyFit = 0.8

    func value(at x: Double) -> Double { intercept + slope * x }
}
