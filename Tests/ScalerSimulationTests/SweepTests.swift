import Foundation
import ScalerCore
import ScalerPorts
import Testing
@testable import ScalerSimulation

@Suite struct ParetoFrontierByHand {
    func point(_ name: String, _ cost: Double, _ over: Double) -> SweepPoint {
        var point = SweepPoint(settings: name, isDefault: false, result: Simulator(trace: trace([(0, 1)]), model: WorkerModel(), delayTarget: 2).run(StaticStrategy(replicas: 1)))
        point.workerSeconds = cost
        point.overTarget = over
        return point
    }

    @Test func aPointBeatenOnBothAxesIsOffTheFrontier() {
        let points = [point("a", 100, 0.10), point("b", 120, 0.05), point("c", 130, 0.06), point("d", 90, 0.20), point("e", 200, 0)]
        #expect(ParetoFrontier.indices(of: points).map { points[$0].settings } == ["d", "a", "b", "e"])
    }

    @Test func pointsEqualAtThePrintedPrecisionKeepTheFirstCheapest() {
        let points = [point("a", 100.4, 0.10001), point("b", 99.6, 0.1)]
        #expect(ParetoFrontier.indices(of: points).map { points[$0].settings } == ["a"])
    }

    @Test func theCheapestSettingWithinTheServiceLevelIsChosen() {
        let family = FamilyResult(name: "scalerd", knobs: "", points: [
            point("cheap but slow", 90, 0.05), point("fits", 120, 0.009), point("fits, dearer", 130, 0.001), point("tied, slower", 120.2, 0.0095),
        ])
        #expect(Tuning.cheapest(meeting: 0.01, in: family).map { family.points[$0].settings } == "fits")
        #expect(Tuning.cheapest(meeting: 0.0001, in: family) == nil)
    }

    @Test func scalerdLiesBelowAnAnchorOnlyWhenEveryFrontierPointIsMatchedOnBothAxes() {
        var scalerd = FamilyResult(name: "scalerd", knobs: "", points: [point("s1", 100, 0.02), point("s2", 150, 0.01)])
        let anchor = FamilyResult(name: "anchor", knobs: "", points: [point("x", 110, 0.03), point("y", 150, 0.01), point("z", 80, 0.40)])
        var comparison = FrontierComparison(scalerd: scalerd, anchor: anchor)
        #expect(comparison.uncovered.map(\.settings) == ["z"])
        #expect(comparison.uncoveredServiceable.isEmpty && comparison.serviceablePoints == 2)
        #expect(comparison.sentence.hasPrefix("not below anchor: 1 of its 3 frontier points"))
        #expect(comparison.sentence.contains("each of its 2 points with at most 5% is matched"), "\(comparison.sentence)")
        scalerd = FamilyResult(name: "scalerd", knobs: "", points: scalerd.points + [point("s3", 80, 0.40)])
        comparison = FrontierComparison(scalerd: scalerd, anchor: anchor)
        #expect(comparison.scalerdBelow)
    }
}

@Suite struct SweepGridDefaults {
    let model = WorkerModel(coldStart: .fixed(30), concurrency: 8)
    let policy = ScalingPolicy(type: .queue, value: 2, minReplicas: 1, maxReplicas: 40, maxConcurrentPerWorker: 8)

    var grid: SweepGrid {
        SweepGrid(policy: policy, tick: 5, model: model, limits: ProviderControlledStrategy.anyProvider, peakWorkers: 6)
    }

    @Test func eachAnchorsDefaultPointIsTheAnchorTheReportRunsAtItsDefaults() {
        let bound = LowerBound(trace: trace([(0, 1)]), model: model)
        var shipped = Dictionary(uniqueKeysWithValues: Baselines.all(policy: policy, model: model, lowerBound: bound).map { ($0.name, $0.summary) })
        shipped["runpod"] = shipped["runpod-queue-delay"]
        shipped["static"] = StaticStrategy(replicas: 6).summary
        for family in grid.families where family.name != SweepGrid.scalerdFamily {
            let defaults = family.members.filter(\.isDefault)
            #expect(defaults.count == 1, "\(family.name)")
            #expect(defaults.first?.strategy.summary == shipped[family.name], "\(family.name)")
        }
    }

    @Test func scalerdsDefaultPointIsThePolicyAsConfiguredUnderItsControlMode() {
        let defaults = grid.scalerd.members.filter(\.isDefault)
        #expect(defaults.count == 1)
        let configured = ProviderControlledStrategy(scalerd: ScalerdStrategy(policy: policy, tick: 5), providerIdleTimeout: 5, perWorker: 8)
        #expect(defaults.first?.strategy.summary == configured.summary)
    }

    @Test func aProviderWithoutAScalerOfItsOwnIsSweptExactOnly() {
        var pool = grid
        pool.limits = SettingLimits(replicas: 0...100)
        pool.policy.control = .exact  // as the config makes it there
        #expect(pool.scalerd.members.allSatisfy { $0.settings.hasPrefix("exact") })
        #expect(grid.scalerd.members.contains { $0.settings.hasPrefix("floor") })
    }

    @Test func aSweepIsDeterministicAndReportsEveryFamilysFrontier() async {
        let bursty = BurstyTraceGenerator(duration: 1_800, seed: 5).generate()
        let simulator = Simulator(trace: bursty, model: model, delayTarget: 2)
        var trimmed = grid.scalerd
        trimmed.members = Array(trimmed.members.prefix(6))
        let families = [trimmed, grid.staticCounts]
        let first = await Sweep(simulator: simulator, families: families).run()
        let second = await Sweep(simulator: simulator, families: families).run()
        #expect(first.families == second.families)
        #expect(first.families.map(\.points.count) == [6, 6])
        #expect(first.families.allSatisfy { !$0.frontier.isEmpty })
        #expect(first.comparisons.map(\.anchor) == ["static"])
        #expect(first.clairvoyant.minReplicas == 0, "one bound under every family's settings")
        let svg = SweepTable.chart(first)
        #expect(svg.hasPrefix("<svg") && svg.contains("OPT \(Int(first.clairvoyant.workerSeconds.rounded()))"))
    }
}

@Suite struct DiurnalDay {
    @Test func theCurveIsQuietAtFourAndBusiestAtSixteen() {
        let day = DiurnalTraceGenerator(peakRate: 4, troughShare: 0.15)
        #expect(abs(day.curve(at: 4 * 3_600) - 0.6) < 1e-9)
        #expect(abs(day.curve(at: 16 * 3_600) - 4) < 1e-9)
    }

    @Test func aDayFollowsItsCurveAndIsTheSameForTheSameSeed() {
        let day = DiurnalTraceGenerator(seed: 3, burstsPerHour: 0)
        let trace = day.generate()
        #expect(trace.requests == day.generate().requests)
        let night = trace.requests.filter { (2 * 3_600..<6 * 3_600).contains($0.arrival) }.count
        let afternoon = trace.requests.filter { (14 * 3_600..<18 * 3_600).contains($0.arrival) }.count
        #expect(Double(afternoon) > 3 * Double(night))
    }
}
