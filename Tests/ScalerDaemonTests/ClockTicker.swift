import Foundation
@testable import ScalerDaemon
import Synchronization

/// Ticks on any clock, for driving the control loop from a test's manual clock; the same
/// newest-only stream as the daemon's Dispatch timer.
final class ClockTicker: TickSource {
    let wakes: AsyncStream<TickWake>
    private let continuation: AsyncStream<TickWake>.Continuation
    private let clock: any Clock<Duration>
    private let loop = Mutex<Task<Void, Never>?>(nil)

    init(clock: any Clock<Duration>) {
        self.clock = clock
        (wakes, continuation) = AsyncStream.makeStream(of: TickWake.self, bufferingPolicy: .bufferingNewest(1))
    }

    func schedule(every interval: TimeInterval) {
        let clock = self.clock, continuation = self.continuation
        let ticking = Task {
            continuation.yield(.tick)
            while !Task.isCancelled {
                do { try await clock.sleep(for: .milliseconds(Int64(interval * 1000))) } catch { return }
                continuation.yield(.tick)
            }
        }
        loop.withLock { previous in
            previous?.cancel()
            previous = ticking
        }
    }

    func wake() { continuation.yield(.external) }

    func stop() {
        loop.withLock { $0?.cancel() }
        continuation.finish()
    }
}
