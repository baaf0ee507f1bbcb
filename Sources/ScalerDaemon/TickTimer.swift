import Dispatch
import Foundation

/// Why the control loop wakes.
enum TickWake: Sendable {
    case tick
    /// Something other than the timer needs the loop (a reload request).
    case external
}

/// What drives the control loop: ticks at an interval, and wakes between them. Its stream keeps
/// only the newest wake, so a tick that comes while the previous one still runs is dropped,
/// never queued behind it.
protocol TickSource: Sendable {
    var wakes: AsyncStream<TickWake> { get }
    /// Starts (or restarts, with a new interval) the ticks; the first comes at once.
    func schedule(every interval: TimeInterval)
    func wake()
    func stop()
}

/// The daemon's tick source, a `DispatchSourceTimer`. The timer is touched only on `queue`,
/// which is what makes `@unchecked Sendable` honest here.
final class TickTimer: TickSource, @unchecked Sendable {
    typealias Wake = TickWake

    let wakes: AsyncStream<Wake>
    private let continuation: AsyncStream<Wake>.Continuation
    private let queue = DispatchQueue(label: "scalerd.tick-timer")
    private var timer: DispatchSourceTimer?

    init() {
        (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
    }

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
