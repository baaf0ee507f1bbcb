/// Average concurrency over trailing windows, from the cumulative integral a `ClusterView` carries:
/// the time average is exact, however coarse the ticks.
struct ConcurrencyWindow: Sendable {
    private var marks: [(time: Double, integral: Double)] = []
    let longest: Double

    init(longest: Double) {
        self.longest = longest
    }

    mutating func record(_ view: ClusterView) {
        marks.append((view.time, view.concurrencyIntegral))
        // Keep one mark at or before the longest window's start.
        while marks.count > 2, marks[1].time <= view.time - longest { marks.removeFirst() }
    }

    /// Mean of in flight + queued over the last `seconds` (or since the start, if shorter).
    func average(over seconds: Double) -> Double {
        guard let last = marks.last else { return 0 }
        let start = marks.last { $0.time <= last.time - seconds } ?? marks[0]
        let span = last.time - start.time
        return span > 0 ? (last.integral - start.integral) / span : 0
    }
}
