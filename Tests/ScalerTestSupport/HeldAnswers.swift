import Synchronization

/// Requests a fake holds unanswered until `release()`; once released, it holds no more.
public final class HeldAnswers: Sendable {
    private enum State {
        case holding([CheckedContinuation<Void, Never>])
        case released
    }

    private let state = Mutex(State.holding([]))

    public init() {}

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                guard case .holding(var waiting) = state else { return true }
                waiting.append(continuation)
                state = .holding(waiting)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    public func release() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state = .released }
            if case .holding(let waiting) = state { return waiting }
            return []
        }
        for continuation in waiting { continuation.resume() }
    }
}
