/// One setting of one family, as measured.
public struct SweepPoint: Sendable, Hashable, Codable {
    public var settings: String
    public var isDefault: Bool
    public var workerSeconds: Double
    public var overTarget: Double
    public var clairvoyantRatio: Double
    public var waitP99: Double

    public init(settings: String, isDefault: Bool, result: PolicyResult) {
        self.settings = settings
        self.isDefault = isDefault
        workerSeconds = result.workerSeconds
        overTarget = result.overTarget
        clairvoyantRatio = result.clairvoyantRatio
        waitP99 = result.waitP99
    }
}

/// A family's measured settings and its frontier.
public struct FamilyResult: Sendable, Hashable, Codable {
    public var name: String
    public var knobs: String
    public var points: [SweepPoint]
    /// The Pareto frontier, cheapest first.
    public var frontier: [SweepPoint]

    public init(name: String, knobs: String, points: [SweepPoint]) {
        self.name = name
        self.knobs = knobs
        self.points = points
        frontier = ParetoFrontier.indices(of: points).map { points[$0] }
    }

    public var defaultPoint: SweepPoint? { points.first { $0.isDefault } }
}

/// Whether scalerd's frontier lies below an anchor's: for each of the anchor's frontier points, a
/// scalerd point at most as costly and no more often over target.
public struct FrontierComparison: Sendable, Hashable, Codable {
    public var anchor: String
    public var anchorPoints: Int
    /// The anchor's frontier points no scalerd point matches on both axes.
    public var uncovered: [SweepPoint]
    /// How many of the anchor's frontier points leave at most `serviceable` of requests over target.
    public var serviceablePoints: Int

    /// The share over target past which a setting serves too badly for any operator to choose it;
    /// reported apart, never instead of the whole frontier.
    public static let serviceable = 0.05

    public var scalerdBelow: Bool { uncovered.isEmpty }
    public var uncoveredServiceable: [SweepPoint] { uncovered.filter { $0.overTarget <= Self.serviceable } }

    public init(scalerd: FamilyResult, anchor: FamilyResult) {
        self.anchor = anchor.name
        anchorPoints = anchor.frontier.count
        uncovered = anchor.frontier.filter { !ParetoFrontier.covers(scalerd.points, $0) }
        serviceablePoints = anchor.frontier.filter { $0.overTarget <= Self.serviceable }.count
    }

    public var sentence: String {
        if scalerdBelow {
            return "below \(anchor): each of its \(anchorPoints) frontier points has a scalerd point at most as costly and no more often over target"
        }
        let within = Int(Self.serviceable * 100)
        let serviceable = uncoveredServiceable
        let listed = (serviceable.isEmpty ? uncovered : serviceable).prefix(3)
            .map { String(format: "%@ (%.0f worker-s, %.2f%%)", $0.settings, $0.workerSeconds, $0.overTarget * 100) }
        let scope: String
        if !serviceable.isEmpty {
            scope = "\(serviceable.count) of the \(serviceablePoints) with at most \(within)% over target"
        } else if serviceablePoints == 0 {
            scope = "all over \(within)% of requests over target, as is every point of its frontier"
        } else {
            scope = "all over \(within)% of requests over target; each of its \(serviceablePoints) points with at most \(within)% is matched"
        }
        return "not below \(anchor): \(uncovered.count) of its \(anchorPoints) frontier points have no scalerd point at most as costly and no more often over target (\(scope)), e.g. "
            + listed.joined(separator: "; ")
    }
}

/// Everything `scalerd simulate --sweep` found.
public struct SweepReport: Sendable, Codable {
    public var trace: String
    public var requests: Int
    public var traceSpan: Double
    public var workerModel: String
    public var delayTarget: Double
    /// With no floor: the bound under every setting of every family.
    public var clairvoyant: ClairvoyantBound
    public var families: [FamilyResult]
    public var comparisons: [FrontierComparison]

    public init(simulator: Simulator, clairvoyant: ClairvoyantBound, families: [FamilyResult]) {
        let summary = SimulationReport(simulator: simulator, bounds: SimulationBounds(oracle: simulator.lowerBound, clairvoyant: clairvoyant), policies: [])
        trace = summary.trace
        requests = summary.requests
        traceSpan = summary.traceSpan
        workerModel = summary.workerModel
        delayTarget = summary.delayTarget
        self.clairvoyant = clairvoyant
        self.families = families
        let scalerd = families.first { $0.name == SweepGrid.scalerdFamily }
        comparisons = scalerd.map { ours in families.filter { $0.name != ours.name }.map { FrontierComparison(scalerd: ours, anchor: $0) } } ?? []
    }
}
