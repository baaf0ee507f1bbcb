import Foundation
import ScalerCore
import Testing
@testable import ScalerSimulation

/// Each expectation is worked out by hand from the definition: per worker level, the time it is
/// needed, plus min(gap, cold start) per gap, plus one cold start for its first start.
@Suite struct ClairvoyantBoundByHand {
    let oneAtATime = WorkerModel(coldStart: .fixed(30), concurrency: 1)

    @Test func oneRequestCostsItsServiceAndOneColdStart() {
        let bound = ClairvoyantBound(trace: trace([(100, 10)]), model: oneAtATime, minReplicas: 0)
        #expect(bound.workerSeconds == 10 + 30)
    }

    @Test func aBurstNeedingTwoWorkersStartsEachOnce() {
        // Level 1 is needed 100-115, level 2 105-110.
        let bound = ClairvoyantBound(trace: trace([(100, 10), (105, 10)]), model: oneAtATime, minReplicas: 0)
        #expect(bound.workerSeconds == (15 + 30) + (5 + 30))
    }

    @Test func aGapShorterThanAColdStartIsBridgedAndBilled() {
        let bound = ClairvoyantBound(trace: trace([(0, 10), (20, 10)]), model: oneAtATime, minReplicas: 0)
        #expect(bound.workerSeconds == 20 + 10 + 30)
    }

    @Test func aGapLongerThanAColdStartCostsARestart() {
        let bound = ClairvoyantBound(trace: trace([(0, 10), (100, 10)]), model: oneAtATime, minReplicas: 0)
        #expect(bound.workerSeconds == 20 + 30 + 30)
    }

    @Test func levelsWithinTheFloorAreAlwaysOnAndNeverColdStart() {
        // Level 1 runs 0-110 as the floor; level 2 is needed 100-110 and starts cold.
        let bound = ClairvoyantBound(trace: trace([(0, 10), (100, 10), (100, 10)]), model: oneAtATime, minReplicas: 1)
        #expect(bound.workerSeconds == 110 + (10 + 30))
        #expect(bound.minReplicas == 1)
    }

    @Test func workersShareSlotsBeforeMoreAreNeeded() {
        let shared = WorkerModel(coldStart: .fixed(30), concurrency: 2)
        let bound = ClairvoyantBound(trace: trace([(0, 10), (0, 10), (0, 10)]), model: shared, minReplicas: 0)
        #expect(bound.workerSeconds == 2 * (10 + 30))
    }

    @Test func aColdStartRangeCountsAtItsLowEnd() {
        let ranged = WorkerModel(coldStart: .uniform(20, 60), concurrency: 1)
        let bound = ClairvoyantBound(trace: trace([(0, 10)]), model: ranged, minReplicas: 0)
        #expect(bound.workerSeconds == 10 + 20 && bound.coldStart == 20)
    }

    @Test func itNeverFallsBelowTheBoundThatIgnoresColdStarts() {
        let bursty = BurstyTraceGenerator(duration: 3_600, seed: 4).generate()
        let model = WorkerModel(coldStart: .fixed(30), concurrency: 4)
        let bounds = SimulationBounds(trace: bursty, model: model, minReplicas: 0)
        #expect(bounds.clairvoyant.workerSeconds > bounds.oracle.workerSeconds)
    }

    @Test func theSharedAzureTraceNeedsAbout17400WorkerSeconds() throws {
        // The figure of an independent computation (issue 15): 30 s cold start, 8 per worker,
        // the simulator's service-time model.
        let azure = try TraceReader.read(file: Fixtures.azureTrace)
        let bound = ClairvoyantBound(trace: azure, model: WorkerModel(coldStart: .fixed(30), concurrency: 8), minReplicas: 0)
        #expect(abs(bound.workerSeconds / 17_400 - 1) < 0.02, "\(bound.workerSeconds)")
    }
}
