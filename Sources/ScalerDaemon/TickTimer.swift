import Dispatch
import Foundation

/// Drives the controller from a `DispatchSourceTimer`. The timer is touched only on `queue`,
/// which is what makes `@unchecked Sendable` honest here. Wakes reach async code through an
/// `AsyncStream` that keeps only the newest: a tick that fires while the previous one still runs
/// is dropped, never queued behind it.
final class TickTimer: @unchecked Sendable {
    enum Wake: Sendable {
        case tick
        /// Something other than the timer needs the loop (a reload request).
        case external
    }

    let wakes: AsyncStream<Wake>
    private let continuation: AsyncStream<Wake>.Continuation
    private let queue = DispatchQueue(label: "scalerd.tick-timer")
    private var timer: DispatchSourceTimer?

    init() {
        (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts (or restarts, with a new interval) the timer; the first tick fires at once.
    func schedule(every interval: TimeInterval) {
        queue.sync {
            timer?.cancel()
            let source = DispatchSource.makeTimerSource(queue: queue)
            let continuation = self.continuation
            source.setEventHandler { continuation.yield(.tick) }
            source.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(Int(max(1, interval * 50))))
            source.resume()
            timer = source
        }
    }

    func wake() {
        continuation.yield(.external)
    }

    func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
        }
        continuation.finish()
    }

    deinit {
        timer?.cancel()
        continuation.finish()
    }
}
