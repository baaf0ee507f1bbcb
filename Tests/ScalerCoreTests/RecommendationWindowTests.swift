import Foundation
@testable import ScalerCore
import Testing

/// The window of recommendations the stabilization and release clamps read: kept as runs where
/// only its lowest and highest are asked, and giving the same answers as one entry per tick.
@Suite struct RecommendationWindow {
    private func lowestAndHighest(_ window: [TimedRecommendation], since start: Date) -> [Int?] {
        let inWindow = window.filter { $0.at >= start }.map(\.replicas)
        return [inWindow.min(), inWindow.max()]
    }

    @Test func aSteadyRecommendationIsOneEntryHoweverLongTheWindow() {
        let policy = queuePolicy(down: .init(stabilization: 300))
        var window: [TimedRecommendation] = []
        for second in 0..<900 { window = Autoscaler.remember(3, at: at(Double(second)), in: window, policy: policy) }
        #expect(window == [TimedRecommendation(at: at(899), replicas: 3)])
    }

    @Test func runsAnswerEveryWindowAsOneEntryPerTickDoes() {
        let policy = queuePolicy(up: .init(stabilization: 60), down: .init(stabilization: 300))
        var runs: [TimedRecommendation] = []
        var everyTick: [TimedRecommendation] = []
        var random = UInt64(42)
        var value = 2
        for second in 0..<1_500 {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Runs of equal values, broken now and then by a step up or down.
            if random >> 60 == 0 { value = max(0, min(8, value + Int(random >> 40 & 3) - 1)) }
            let now = at(Double(second))
            runs = Autoscaler.remember(value, at: now, in: runs, policy: policy)
            everyTick = everyTick.filter { $0.at >= now.addingTimeInterval(-300) } + [TimedRecommendation(at: now, replicas: value)]
            for span in [1.0, 10, 45, 60, 120, 300] {
                let start = now.addingTimeInterval(-span)
                #expect(lowestAndHighest(runs, since: start) == lowestAndHighest(everyTick, since: start), "at \(second)s over \(span)s")
            }
        }
        #expect(runs.count < everyTick.count / 10)
    }

    @Test(arguments: [true, false])
    func anAverageOrATrendKeepsEveryTick(burst: Bool) {
        var policy = queuePolicy(down: .init(stabilization: 300))
        if burst { policy.burst = BurstPolicy() } else { policy.lookAhead = LookAheadPolicy() }
        var window: [TimedRecommendation] = []
        for second in 0..<100 { window = Autoscaler.remember(3, at: at(Double(second)), in: window, policy: policy) }
        #expect(window.count == 100)
    }
}
