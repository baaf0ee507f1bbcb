/// The settings no other setting of the same family beats on both axes an operator pays for,
/// compared at the precision reports print (whole worker-seconds, hundredths of a percent), so that
/// a reader can check every claim against the table.
public enum ParetoFrontier {
    /// Indices of the points on the frontier, cheapest first.
    public static func indices(of points: [SweepPoint]) -> [Int] {
        let order = points.indices.sorted {
            let a = points[$0].key, b = points[$1].key
            return a.cost != b.cost ? a.cost < b.cost : a.over < b.over
        }
        var frontier: [Int] = []
        var bestOver = Int.max
        for index in order where points[index].key.over < bestOver {
            frontier.append(index)
            bestOver = points[index].key.over
        }
        return frontier
    }

    /// Whether some point of `ours` costs at most as much as `theirs` and is no more often over target.
    public static func covers(_ ours: [SweepPoint], _ theirs: SweepPoint) -> Bool {
        ours.contains { $0.key.cost <= theirs.key.cost && $0.key.over <= theirs.key.over }
    }
}

extension SweepPoint {
    /// The point as printed: whole worker-seconds, share over target in hundredths of a percent.
    var key: (cost: Int, over: Int) {
        (Int(workerSeconds.rounded()), Int((overTarget * 10_000).rounded()))
    }
}
