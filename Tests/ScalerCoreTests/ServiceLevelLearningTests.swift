import Foundation
import Testing
@testable import ScalerCore

/// What the service-level policy learns a rise from: readings a backlog or a young service time
/// would distort, and the shapes of burst a plain rise misses.
@Suite struct ServiceLevelLearning {
    private let slo = ServiceLevelObjective(wait: 2, overTarget: 0.01, window: 3600, assumedColdStart: 30)

    private func policy() -> ScalingPolicy {
        var policy = queuePolicy(target: 2, min: 0, max: 40, idle: 30)
        policy.maxConcurrentPerWorker = 8
        policy.slo = slo
        return policy
    }

    /// A state whose load was nothing a moment ago, and that knows these service times.
    private func afterQuiet(serviceTimes: [Double] = []) -> ScalerState {
        var state = warmedState()
        state.serviceTimes = serviceTimes
        state.serviceLevel = ServiceLevelState(recentLoads: [TimedLoad(at: at(-5), requests: 0)])
        return state
    }

    @Test func aDrainedBacklogIsReadAsTheArrivalsThatKeptItUp() {
        // Workers came up into a queue of 156: it is gone, but they hold it in flight.
        let before = MetricSample(takenAt: at(0), queueDelay: 9, queued: 156, inFlight: 200, readyWorkers: 25)
        let after = MetricSample(takenAt: at(5), queueDelay: 0, queued: 0, inFlight: 196, readyWorkers: 33)
        let load = QueueModel.flowLoad(previous: before, sample: after, serviceTime: 4.6)
        // 160 fewer in 5 s while finishing 198 / 4.6 a second: 11 arrivals a second, 51 requests.
        #expect(load.map { abs($0 - 50.8) < 0.1 } == true, "\(String(describing: load))")
        let rising = MetricSample(takenAt: at(10), queueDelay: 0, queued: 0, inFlight: 230, readyWorkers: 33)
        #expect(QueueModel.flowLoad(previous: after, sample: rising, serviceTime: 4.6) == nil, "a rising count is read as counted")
        #expect(QueueModel.flowLoad(previous: before, sample: after, serviceTime: nil) == nil)
    }

    @Test func theDrainOfAColdStartsBacklogTeachesNoRiseLargerThanTheBurst() {
        let decisions = run(policy(), startingAt: 25, [
            .metrics(delay: 0, queued: 0, inFlight: 0, ready: 2),
            .metrics(delay: 9, queued: 156, inFlight: 200, ready: 25),
            .metrics(delay: 0, queued: 0, inFlight: 196, ready: 33),
            .metrics(delay: 0, queued: 0, inFlight: 110, ready: 40),
        ], state: afterQuiet(serviceTimes: [4.6]))
        let largest = decisions.last?.nextState.serviceLevel?.rises.map(\.largestRise).max() ?? 0
        // The queue timed arrivals at 17 a second (78 requests at 4.6 s); the 196 in flight after
        // it drained were the backlog, not load.
        #expect(largest < 100, "learned \(largest)")
    }

    @Test func aRiseReadThroughTheServiceTimeMovesWithItAndACountedOneDoesNot() {
        var state = ServiceLevelState(
            recentLoads: [TimedLoad(at: at(0), requests: 10, modelled: true), TimedLoad(at: at(5), requests: 10)],
            rises: [
                LoadSpan(start: at(-600), largestRise: 120, highestLoad: 130, riseModelled: true, highestModelled: true),
                LoadSpan(start: at(-300), largestRise: 40, highestLoad: 50),
            ]
        )
        state.rescale(by: 0.5)
        #expect(state.rises.map(\.largestRise) == [60, 40])
        #expect(state.rises.map(\.highestLoad) == [65, 50])
        #expect(state.recentLoads.map(\.requests) == [5, 10])
    }

    @Test func aYoungServiceTimeThatMovesCarriesTheRisesReadThroughItAlong() {
        var state = warmedState()
        state.serviceTimes = [6]
        state.serviceLevel = ServiceLevelState(rises: [LoadSpan(start: at(-600), largestRise: 120, riseModelled: true)])
        let decision = run(policy(), startingAt: 2, [
            // The same ready workers and a queue long enough to time: service times of 3-4 s.
            .metrics(delay: 2, queued: 20, inFlight: 16, ready: 2),
            .metrics(delay: 4, queued: 30, inFlight: 16, ready: 2),
            .metrics(delay: 6, queued: 40, inFlight: 16, ready: 2),
        ], state: state).last
        let serviceTime = decision?.nextState.serviceTime ?? 0
        let rise = decision?.nextState.serviceLevel?.rises.first?.largestRise ?? 0
        #expect(serviceTime < 6)
        #expect(abs(rise - 120 * serviceTime / 6) < 0.001, "the rise read at 6 s is the same arrivals at \(serviceTime) s")
    }

    @Test func aBacklogUnderOneWorkerIsReadThroughItsOwnServiceTimeNotCountedWhole() {
        // Seed 2's first burst: one warm worker and 12 arrivals a second for 30 s. Counted whole
        // it taught a 337-request rise and kept 40 workers warm for an hour.
        let decisions = run(policy(), startingAt: 1, [
            .metrics(delay: 0, queued: 0, inFlight: 7, ready: 1),
            .metrics(delay: 4.47, queued: 51, inFlight: 8, ready: 1),
            .metrics(delay: 7.61, queued: 99, inFlight: 8, ready: 1),
            .metrics(delay: 11.86, queued: 141, inFlight: 8, ready: 1),
            .metrics(delay: 16.12, queued: 201, inFlight: 8, ready: 1),
            .metrics(delay: 20.61, queued: 255, inFlight: 8, ready: 1),
            .metrics(delay: 24.55, queued: 305, inFlight: 8, ready: 1),
        ], state: afterQuiet())
        let next = try? #require(decisions.last?.nextState)
        let learned = next?.serviceLevel
        let largest = learned?.rises.map(\.largestRise).max() ?? 0
        #expect(next?.serviceTime == nil, "one drowning worker's readings are not trusted")
        #expect(learned?.backlogServiceTimes.count == 5)
        // 12.4 arrivals a second at the readings' median of 3.4 s: about 42 requests of load.
        #expect(largest > 20 && largest < 60, "learned \(largest)")
        #expect(learned?.rises.allSatisfy { $0.largestRise == 0 || ($0.provisional && $0.riseModelled) } == true, "and kept one window")
    }

    @Test func aTrustedServiceTimeCarriesTheRisesReadOffABacklogAlong() {
        var state = warmedState()
        state.serviceLevel = ServiceLevelState(
            rises: [LoadSpan(start: at(-600), largestRise: 120, riseModelled: true, provisional: true)], backlogServiceTimes: [6]
        )
        let decision = run(policy(), startingAt: 2, [
            .metrics(delay: 2, queued: 20, inFlight: 16, ready: 2),
            .metrics(delay: 4, queued: 30, inFlight: 16, ready: 2),
        ], state: state).last
        let serviceTime = decision?.nextState.serviceTime ?? 0
        #expect(serviceTime > 0 && serviceTime < 6, "two workers finishing most of what arrives are trusted")
        #expect(decision?.nextState.serviceLevel?.backlogServiceTimes.isEmpty == true)
        let rise = decision?.nextState.serviceLevel?.rises.first?.largestRise ?? 0
        #expect(abs(rise - 120 * serviceTime / 6) < 0.001, "the backlog's rise is the same arrivals at \(serviceTime) s, not forgotten")
    }

    @Test func aBurstAlreadyUnderWayIsLearnedFromItsEnd() {
        var learned = ServiceLevelState()
        for (second, load) in [(0.0, 80.0), (5, 82), (10, 79), (15, 2)] {
            learned.learn(load: load, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(second))
        }
        #expect(learned.rises.map(\.largestRise).max() == 80, "a load that vanished within one cold start can come as fast")
    }

    @Test func aBacklogsDrainIsNoFall() {
        var learned = ServiceLevelState()
        // Requests waited past the SLO's wait: the fleet had not caught up, the counts are backlog.
        for (second, load) in [(0.0, 220.0), (5, 200)] {
            learned.learn(load: load, warm: false, queueDelay: 20, slo: slo, coldStart: 30, now: at(second))
        }
        learned.learn(load: 60, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(10))
        #expect(learned.rises.map(\.largestRise).max() == 0)
    }

    @Test func theBacklogACaughtUpFleetStillHoldsIsNoFall() {
        var learned = ServiceLevelState()
        // A cold start's backlog with no service time known: counted whole, past the wait.
        for (second, load) in [(0.0, 449.0), (5, 364)] {
            learned.learn(load: load, warm: false, queueDelay: 16, slo: slo, coldStart: 30, now: at(second))
        }
        // Caught up: nothing queued, the backlog still in flight and draining, then quiet.
        for (second, load) in [(10.0, 184.0), (15, 98), (20, 64), (25, 23), (30, 5), (35, 0), (40, 0), (45, 0), (50, 0)] {
            learned.learn(load: load, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(second))
        }
        #expect(learned.rises.map(\.largestRise).max() == 0, "it held 40 workers for six hours when learned as a 184-request fall")
    }

    @Test func whatAnUntrustedReadingTeachesHoldsForOneWindow() {
        var learned = ServiceLevelState()
        // Counted whole past the wait, with no service time to tell arrivals from backlog.
        learned.learn(load: 0, provisional: true, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(0))
        learned.learn(load: 300, provisional: true, warm: false, queueDelay: 20, slo: slo, coldStart: 30, now: at(5))
        #expect(learned.rises.first?.provisional == true)
        #expect(learned.headroom(overTarget: 0.01, scale: 1) == 300, "it covers the first hour")
        learned.learn(load: 0, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(3700))
        #expect(learned.headroom(overTarget: 0.01, scale: 1) == 0, "and is gone after one window, where a trusted rise stays six")
    }

    @Test func aTrustedRiseIsKeptForTheWholeHistory() {
        var learned = ServiceLevelState()
        learned.learn(load: 0, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(0))
        learned.learn(load: 40, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(5))
        learned.learn(load: 0, warm: true, queueDelay: 0, slo: slo, coldStart: 30, now: at(5 * 3600))
        #expect(learned.headroom(overTarget: 0.01, scale: 1) == 40)
    }

    @Test func workersFinishingLittleOfWhatArrivesGiveNoServiceTime() {
        // One worker's 8 slots under 17 arrivals a second: the 1.9 it finishes is the difference
        // of two counts each off by about as much.
        let before = MetricSample(takenAt: at(0), queueDelay: 10.4, queued: 169, inFlight: 8, readyWorkers: 1)
        let after = MetricSample(takenAt: at(5), queueDelay: 14.6, queued: 252, inFlight: 8, readyWorkers: 1)
        #expect(QueueModel.serviceTime(previous: before, sample: after, trusted: true) == nil)
        #expect(QueueModel.serviceTime(previous: before, sample: after) != nil, "the look-ahead still takes it")
    }

    @Test func aBurstThatHasEndedIsNotReadAsStillArriving() {
        // One worker, its burst over: the queue of 145 shrank by 8 in 5 s while its head moved
        // on by less than a second of arrivals. The queue's length over its age says 6.4 arrivals
        // a second still, and a 1 s service time; the head says 1.5 finished a second, 5.4 s.
        let before = MetricSample(takenAt: at(0), queueDelay: 17.23, queued: 145, inFlight: 8, readyWorkers: 1)
        let after = MetricSample(takenAt: at(5), queueDelay: 21.34, queued: 137, inFlight: 8, readyWorkers: 1)
        #expect(QueueModel.serviceTime(previous: before, sample: after, trusted: true) == nil)
        #expect(QueueModel.serviceTime(previous: before, sample: after).map { $0 < 1.1 } == true, "the look-ahead still takes it")
        // Two workers keeping nearly up: 5.3 and 4 finished a second, 3 s.
        let growing = MetricSample(takenAt: at(0), queueDelay: 2, queued: 20, inFlight: 16, readyWorkers: 2)
        let grown = MetricSample(takenAt: at(5), queueDelay: 4, queued: 30, inFlight: 16, readyWorkers: 2)
        #expect(QueueModel.serviceTime(previous: growing, sample: grown, trusted: true).map { abs($0 - 3.05) < 0.01 } == true)
    }

    @Test func readingsPastTheWaitAreNotWarm() {
        var state = warmedState()
        state.serviceLevel = ServiceLevelState()
        let decision = decideOnce(policy(), current: 4, .metrics(delay: 3, queued: 12, inFlight: 32, ready: 4), state: state)
        #expect(decision.nextState.serviceLevel?.recentLoads.last?.warm == false)
        let keepingUp = decideOnce(policy(), current: 4, .metrics(delay: 1, queued: 12, inFlight: 32, ready: 4), state: state)
        #expect(keepingUp.nextState.serviceLevel?.recentLoads.last?.warm == true)
    }

    @Test func aQueueTooShortToTimeGivesNoServiceTime() {
        let before = MetricSample(takenAt: at(0), queueDelay: 0.1, queued: 2, inFlight: 88, readyWorkers: 11)
        let after = MetricSample(takenAt: at(5), queueDelay: 0.01, queued: 1, inFlight: 88, readyWorkers: 11)
        #expect(QueueModel.serviceTime(previous: before, sample: after) == nil, "it read 440 s before")
        let timed = MetricSample(takenAt: at(5), queueDelay: 2, queued: 21, inFlight: 16, readyWorkers: 11)
        let started = MetricSample(takenAt: at(0), queueDelay: 1, queued: 12, inFlight: 16, readyWorkers: 11)
        #expect(QueueModel.serviceTime(previous: started, sample: timed) != nil)
    }

    @Test func stateSavedBeforeTheFlagsExistedReadsAsCounted() throws {
        let saved = #"{"at":0,"requests":12,"warm":true}"#
        let load = try JSONDecoder().decode(TimedLoad.self, from: Data(saved.utf8))
        #expect(load.modelled == false)
        let span = try JSONDecoder().decode(LoadSpan.self, from: Data(#"{"start":0,"largestRise":40,"highestLoad":50}"#.utf8))
        #expect(span.riseModelled == false && span.highestModelled == false)
        let learned = try JSONDecoder().decode(ServiceLevelState.self, from: Data(
            #"{"recentLoads":[],"rises":[],"ledger":[],"scale":1.25,"sinceStep":{"load":0,"overTarget":0,"largestRise":0}}"#.utf8
        ))
        #expect(learned.scale == 1.25 && learned.backlogServiceTimes.isEmpty)
    }
}
