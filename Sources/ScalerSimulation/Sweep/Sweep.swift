import Synchronization

/// Runs every family of a grid on one simulator, on every core, in a fixed report order.
public struct Sweep: Sendable {
    public var simulator: Simulator
    public var families: [SweepFamily]

    public init(simulator: Simulator, families: [SweepFamily]) {
        self.simulator = simulator
        self.families = families
    }

    public var runs: Int { families.reduce(0) { $0 + $1.members.count } }

    /// `progress` receives the share of runs done, from any thread.
    public func run(progress: (@Sendable (Double) -> Void)? = nil) async -> SweepReport {
        // With no floor: the bound holds for every setting of every family.
        let bounds = simulator.bounds(minReplicas: 0)
        let jobs = families.enumerated().flatMap { family, entry in entry.members.indices.map { (family, $0) } }
        let simulator = self.simulator, families = self.families
        let done = DoneCount()
        let total = jobs.count
        var points = families.map { [SweepPoint?](repeating: nil, count: $0.members.count) }
        await withTaskGroup(of: (Int, Int, SweepPoint).self) { group in
            for (family, member) in jobs {
                group.addTask {
                    let entry = families[family].members[member]
                    let result = simulator.run(entry.strategy, bounds: bounds)
                    progress?(Double(done.increment()) / Double(total))
                    return (family, member, SweepPoint(settings: entry.settings, isDefault: entry.isDefault, result: result))
                }
            }
            for await (family, member, point) in group { points[family][member] = point }
        }
        let results = zip(families, points).map { family, points in
            FamilyResult(name: family.name, knobs: family.knobs, points: points.compactMap { $0 })
        }
        return SweepReport(simulator: simulator, clairvoyant: bounds.clairvoyant, families: results)
    }
}

/// Runs finished so far, counted from any thread.
private final class DoneCount: Sendable {
    private let count = Mutex(0)

    func increment() -> Int {
        count.withLock { count in
            count += 1
            return count
        }
    }
}
