import Foundation
@testable import ScalerDaemon
import ScalerTestSupport
import Synchronization
import Testing

@Suite struct TickPhaseDeadline {
    @Test func oneTimerBoundsEveryCallAndCallsNotStartedByTheDeadlineNeverStart() async {
        let clock = ManualClock()
        let started = Mutex<[Int]>([])
        let phase = TickPhase(seconds: 2, width: 2, clock: clock)
        let run = Task {
            await phase.run([0, 1, 2, 3], operation: { item in
                started.withLock { $0.append(item) }
                // Item 0 answers at once; the others would take a minute.
                if item == 0 { return "answered" }
                do {
                    try await clock.sleep(for: .seconds(60))
                    return "answered late"
                } catch {
                    return "cut off"
                }
            }, unreached: { _ in "never started" })
        }
        // Items 1 and 2 wait (0 made room for 2), beside the phase's one timer.
        await clock.waitForSleepers(3)
        #expect(clock.sleeping == 3)
        clock.advance(by: .seconds(2))
        let results = await run.value
        #expect(results == ["answered", "cut off", "cut off", "never started"])
        #expect(started.withLock { $0 }.sorted() == [0, 1, 2], "the deadline passed before item 3's turn")
    }

    @Test func aPhaseWhoseCallsAllAnswerLeavesNoTimerBehindAndKeepsTheItemsOrder() async {
        let clock = ManualClock()
        let phase = TickPhase(seconds: 2, width: 3, clock: clock)
        let results = await phase.run(Array(0..<10), operation: { $0 * $0 }, unreached: { _ in -1 })
        #expect(results == (0..<10).map { $0 * $0 })
        #expect(clock.sleeping == 0, "the phase's timer is cancelled once every call has answered")
    }

    @Test func anEmptyPhaseStartsNoTimer() async {
        let clock = ManualClock()
        let results = await TickPhase(seconds: 2, width: 3, clock: clock).run([Int](), operation: { $0 }, unreached: { $0 })
        #expect(results.isEmpty)
        #expect(clock.sleeping == 0)
    }
}
