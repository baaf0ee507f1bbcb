import ScalerSimulation
import Testing

@Suite struct Verdicts {
    /// Four requests at once, each 10 s, then one more at 100 s: four workers serve all at once.
    private let simulator = Simulator(
        trace: trace([(0, 10), (0, 10), (0, 10), (0, 10), (100, 1)]),
        model: WorkerModel(coldStart: .fixed(30), concurrency: 1), delayTarget: 2
    )

    private func run(_ workers: Int) -> PolicyResult {
        simulator.run(Fixed(replicas: workers, warm: workers))
    }

    @Test func cheaperAtTheSameWaitingIsBetterAndSaysByHowMuch() {
        let verdict = Verdict(run(4), against: run(6))
        #expect(verdict.outcome == .better)
        #expect(verdict.sentence == "fixed is better than fixed: 33.3% fewer worker-seconds, the same share over target")
        #expect(Verdict(run(6), against: run(4)).outcome == .worse)
    }

    @Test func cheaperButSlowerIsATradeOff() {
        let verdict = Verdict(run(2), against: run(4))
        #expect(verdict.outcome == .tradeOff)
        #expect(abs(verdict.overTargetChange - 40) < 1e-9, "two of the five requests wait a whole service time")
    }

    @Test func identicalResultsAreTheSame() {
        #expect(Verdict(run(4), against: run(4)).outcome == .same)
    }
}
