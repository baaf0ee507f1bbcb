import Foundation
@testable import ScalerDaemon
import Testing

@Suite struct TickTimerBehaviour {
    @Test func ticksThatFireDuringASlowTickAreDroppedNotQueued() async throws {
        let timer = TickTimer()
        timer.schedule(every: 0.02)
        var iterator = timer.wakes.makeAsyncIterator()
        _ = await iterator.next()
        // A "tick" ten intervals long: the timer fires about ten times meanwhile.
        try await Task.sleep(for: .milliseconds(200))
        timer.stop()
        var waiting = 0
        while await iterator.next() != nil { waiting += 1 }
        #expect(waiting <= 1)
    }

    @Test func anExternalWakeReachesTheLoop() async {
        let timer = TickTimer()
        timer.wake()
        var iterator = timer.wakes.makeAsyncIterator()
        #expect(await iterator.next() == .external)
        timer.stop()
    }
}
