import Foundation
import ScalerSimulation
import Testing

@Suite struct ClusterModelBehaviour {
    private let parameters = ClusterModel.Parameters(coldStart: 5, meanServiceTime: 1, concurrencyPerWorker: 2)

    @Test func requestsWaitWhileNoWorkerIsReady() {
        var model = ClusterModel(parameters: parameters, seed: 1)
        model.advance(to: 10) { _ in 2 }
        let snapshot = model.snapshot
        #expect(snapshot.readyWorkers == 0)
        #expect(snapshot.queued > 0)
        #expect(snapshot.queueDelay > 5)
    }

    @Test func newReplicasServeOnlyAfterTheColdStart() {
        var model = ClusterModel(parameters: parameters, seed: 1)
        model.setReplicas(3)
        model.advance(to: 4.9) { _ in 0 }
        #expect(model.snapshot.readyWorkers == 0)
        model.advance(to: 5.1) { _ in 0 }
        #expect(model.snapshot.readyWorkers == 3)
    }

    @Test func enoughWarmWorkersDrainTheQueue() {
        var model = ClusterModel(parameters: parameters, seed: 3)
        model.advance(to: 10) { _ in 2 }
        let backlog = model.snapshot.queued
        model.setReplicas(4)
        model.advance(to: 40) { _ in 2 }
        #expect(backlog > 0)
        #expect(model.snapshot.queued < 3)
        #expect(model.snapshot.completed > backlog)
    }

    @Test func releasedBusyWorkersFinishTheirRequests() {
        var model = ClusterModel(parameters: ClusterModel.Parameters(coldStart: 0, meanServiceTime: 10), seed: 5)
        model.setReplicas(1)
        model.advance(to: 0.5) { time in time < 0.3 ? 50 : 0 }
        #expect(model.snapshot.inFlight == 1)
        model.setReplicas(0)
        #expect(model.snapshot.inFlight == 1, "work in flight is not dropped")
        model.advance(to: 30) { _ in 0 }
        #expect(model.snapshot.inFlight == 0)
        #expect(model.snapshot.readyWorkers == 0)
    }

    @Test func theSameSeedGivesTheSameRun() {
        var a = ClusterModel(parameters: parameters, seed: 9)
        var b = ClusterModel(parameters: parameters, seed: 9)
        for step in 1...20 {
            a.setReplicas(step % 4)
            b.setReplicas(step % 4)
            a.advance(to: Double(step)) { _ in 3 }
            b.advance(to: Double(step)) { _ in 3 }
        }
        #expect(a.snapshot == b.snapshot)
    }

    @Test func theLoadCycleRisesBurstsFallsAndGoesIdle() {
        let cycle = LoadCycle(period: 100, peakRPS: 10)
        #expect(cycle.rate(at: 5) == 0)
        #expect(cycle.rate(at: 20) > 0 && cycle.rate(at: 20) < 10)
        #expect(cycle.rate(at: 40) == 10)
        #expect(cycle.rate(at: 55) > 0 && cycle.rate(at: 55) < 10)
        #expect(cycle.rate(at: 80) == 0)
        #expect(cycle.rate(at: 140) == cycle.rate(at: 40))
    }
}
