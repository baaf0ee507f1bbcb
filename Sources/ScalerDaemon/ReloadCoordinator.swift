/// The result of one reload, as the admin API and `scalerd reload` report it.
struct ReloadOutcome: Sendable, Encodable {
    let applied: Bool
    let configGeneration: Int
    /// Why the file was refused, one line per problem; empty when applied.
    let errors: [String]
}

/// Carries reload requests (SIGHUP, `POST /v1/reload`) to the control loop, which reloads between
/// ticks, and its outcome back to whoever waits for it.
actor ReloadCoordinator {
    private var requested = false
    private var waiting: [CheckedContinuation<ReloadOutcome, Never>] = []
    private let wake: @Sendable () -> Void

    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    /// Asks for a reload without waiting for it (SIGHUP).
    func request() {
        requested = true
        wake()
    }

    /// Asks for a reload and waits for its outcome.
    func requestAndWait() async -> ReloadOutcome {
        await withCheckedContinuation { continuation in
            waiting.append(continuation)
            requested = true
            wake()
        }
    }

    /// For the loop: whether a reload is due, and who waits for this one. Requests that arrive
    /// while it runs are kept for the next.
    func take() -> [CheckedContinuation<ReloadOutcome, Never>]? {
        guard requested else { return nil }
        requested = false
        defer { waiting = [] }
        return waiting
    }

    nonisolated func finish(_ waiters: [CheckedContinuation<ReloadOutcome, Never>], with outcome: ReloadOutcome) {
        for waiter in waiters { waiter.resume(returning: outcome) }
    }
}
