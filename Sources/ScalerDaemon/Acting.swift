import ScalerCore
import ScalerHA
import ScalerHTTP

/// What a tick may do at the providers.
enum Acting: Sendable {
    /// No `ha:` block: this instance is the whole controller.
    case alone
    /// This instance leads in `epoch`; every push of the tick must end within `window`.
    case leader(epoch: Int64, window: ActingWindow)
    /// Another instance leads, or this one may not act: observe and decide, never push.
    case standby(String)
    /// `ha.shards`: each endpoint as its shard's term says, each a `leader` or a `standby`.
    case sharded(Shards, [Acting])

    /// What the tick may do for `endpoint`: never `sharded`.
    func of(endpoint: String) -> Acting {
        guard case .sharded(let shards, let terms) = self else { return self }
        return terms[shards.shard(of: endpoint)]
    }

    /// Each runtime's, in order, when they differ by shard; nil when one answer is everyone's.
    func perEndpoint(_ runtimes: [EndpointRuntime]) -> [Acting]? {
        guard case .sharded = self else { return nil }
        return runtimes.map { of(endpoint: $0.config.name) }
    }

    /// Until when a push may run, when the lease bounds it.
    var window: ActingWindow? {
        if case .leader(_, let window) = self { return window }
        return nil
    }

    /// The lease's epoch while this instance leads.
    var epoch: Int64? {
        if case .leader(let epoch, _) = self { return epoch }
        return nil
    }

    /// The terms this instance leads in at this tick, of every shard.
    var epochs: Set<Int64> {
        if case .sharded(_, let terms) = self { return Set(terms.compactMap(\.epoch)) }
        return Set([epoch].compactMap { $0 })
    }

    /// The acting windows of the terms this instance leads in.
    var windows: [ActingWindow] {
        if case .sharded(_, let terms) = self { return terms.compactMap(\.window) }
        return [window].compactMap { $0 }
    }

    /// Whether this instance may push for some endpoint at this tick.
    var leadsAny: Bool {
        switch self {
        case .alone, .leader: return true
        case .standby: return false
        case .sharded(_, let terms): return terms.contains { $0.leadsAny }
        }
    }

    var isStandby: Bool {
        if case .standby = self { return true }
        return false
    }
}

/// The time a leader may still act, counted down on the monotonic clock from when it was known.
struct ActingWindow: Sendable {
    private let since: Stopwatch
    private let time: Duration

    init(_ time: Duration, clock: any Clock<Duration>) {
        since = Stopwatch(clock)
        self.time = time
    }

    var remaining: Duration { time - since.elapsed }
}
