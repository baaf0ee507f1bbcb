import Foundation
import ScalerCore
import Testing
@testable import ScalerSimulation

/// Arrivals rebuilt from journalled observations for `tune --journal`.
@Suite struct ArrivalsFromAJournal {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func step(_ seconds: Double, queued: Int, inFlight: Int, until: Double? = nil, repeats: Int = 1) -> ReplayStep {
        let at = start.addingTimeInterval(seconds)
        let sample = MetricSample(takenAt: at, queueDelay: queued > 0 ? 1 : 0, queued: queued, inFlight: inFlight, readyWorkers: 2)
        return ReplayStep(at: at, lastAt: start.addingTimeInterval(until ?? seconds), repeats: repeats, metrics: .sample(sample), recordedCurrent: 2, recordedDesired: 2)
    }

    @Test func eachIntervalGetsTheChangeInLoadPlusWhatLittlesLawSaysFinished() throws {
        // 0 -> 3 requests in 5 s with 2 in flight at the end: 3 + (0 + 2) / 2 * 5 / 2 = 5.5 arrived;
        // then steady at 3 for 5 s: 2 * 5 / 2 = 5. The half carried over makes 10 in all.
        let rebuilt = try JournalArrivals(steps: [step(0, queued: 0, inFlight: 0), step(5, queued: 1, inFlight: 2), step(10, queued: 1, inFlight: 2)],
                                      serviceTime: 2, seed: 1, name: "t")
        #expect(rebuilt.trace.requests.count == 10)
        #expect(rebuilt.trace.requests.filter { $0.arrival < 5 }.count == 5)
        #expect(rebuilt.trace.requests.allSatisfy { $0.serviceTime == 2 })
        #expect(rebuilt.account.span == 10 && rebuilt.account.unknownSeconds == 0)
    }

    @Test func aHoldRunIsSteadyLoadAndAGapIsNotGuessedAt() throws {
        let failed = ReplayStep(at: start.addingTimeInterval(20), lastAt: start.addingTimeInterval(20), repeats: 1,
                                metrics: .failure(.timeout, "timeout"), recordedCurrent: 2, recordedDesired: 2)
        let rebuilt = try JournalArrivals(steps: [step(0, queued: 0, inFlight: 4, until: 10, repeats: 3), failed, step(30, queued: 0, inFlight: 4)],
                                      serviceTime: 2, seed: 1, name: "t")
        #expect(rebuilt.trace.requests.count == 20, "4 in flight for 10 s at 2 s each")
        #expect(rebuilt.trace.requests.allSatisfy { $0.arrival <= 10 })
        #expect(rebuilt.account.unknownSeconds == 20, "from the run's end, through the failed read, to the next sample")
        #expect(rebuilt.account.observations == 5)
        #expect(rebuilt.account.description.contains("20s without a usable sample"))
    }

    @Test func theSameStepsAndSeedGiveTheSameArrivals() throws {
        let steps = [step(0, queued: 0, inFlight: 0), step(60, queued: 5, inFlight: 8)]
        #expect(try JournalArrivals(steps: steps, serviceTime: 3, seed: 9, name: "t").trace.requests == JournalArrivals(steps: steps, serviceTime: 3, seed: 9, name: "t").trace.requests)
    }

    @Test func countsNoWorkloadCouldHaveAreRefusedNotHeld() {
        let hostile = [step(0, queued: 0, inFlight: 0), step(300, queued: Int.max / 2, inFlight: Int.max / 2)]
        #expect(throws: JournalArrivals.TooManyArrivals.self) { try JournalArrivals(steps: hostile, serviceTime: 2, seed: 1, name: "t") }
        let tinyService = [step(0, queued: 0, inFlight: 100), step(300, queued: 0, inFlight: 100)]
        #expect(throws: JournalArrivals.TooManyArrivals.self) { try JournalArrivals(steps: tinyService, serviceTime: 1e-300, seed: 1, name: "t") }
    }
}
