import Foundation
import ScalerHTTP
import ScalerPorts

/// GPUGeek has no serverless product: scalerd owns a pool of instances per endpoint, named
/// `scalerd-<endpoint id>-<suffix>`, so that it adopts its own pool after a restart and never
/// touches an instance it did not create. A read counts only a complete listing; an instance
/// with an operation in progress is never ready and never asked for anything else; creates are
/// never repeated blindly; and no more instances ever exist than `max_replicas`.
public struct GPUGeekPoolProvider: Provider {
    /// How long a create the listing does not show (or whose answer was lost) still counts.
    static let unlistedGrace: TimeInterval = 120

    let api: GPUGeekAPI
    let ledger: PoolLedger
    /// The provider entry's name, so that two accounts' pools never share ledger entries.
    let account: String
    /// How long one apply follows the operations it started through `op/result`.
    let followFor: Double
    let pollInterval: Double
    let clock: @Sendable () -> Date
    /// What following operations waits on.
    let monotonicClock: any Clock<Duration>
    let suffix: @Sendable () -> String

    public init(
        transport: ProviderTransport, account: String = "gpugeek", ledger: PoolLedger = PoolLedger(), followFor: Double = 2,
        pollInterval: Double = 0.5, clock: @escaping @Sendable () -> Date = { Date() }, monotonicClock: any Clock<Duration> = ContinuousClock(),
        suffix: @escaping @Sendable () -> String = { String(UUID().uuidString.prefix(8)).lowercased() }
    ) {
        api = GPUGeekAPI(transport: transport)
        self.account = account
        self.ledger = ledger
        self.followFor = followFor
        self.pollInterval = pollInterval
        self.clock = clock
        self.monotonicClock = monotonicClock
        self.suffix = suffix
    }

    public func read(_ endpoint: EndpointTarget) async throws(ProviderError) -> EndpointStatus {
        let pool = try await current(endpoint.id)
        return EndpointStatus(
            settings: ManagedSettings(minReplicas: pool.replicas, stoppedMembers: pool.strays.count),
            readyWorkers: pool.ready
        )
    }

    public func apply(_ wanted: ManagedSettings, to endpoint: EndpointTarget) async throws(ProviderError) {
        guard let spec = endpoint.pool else {
            throw ProviderError(.rejected, "endpoint \(endpoint.id) has no instance template to create instances from")
        }
        let pool = try await current(endpoint.id)
        var operations: [String] = []
        for stray in pool.strays where !stray.pending {
            operations.append(try await release(stray, pool: key(endpoint.id)))
        }
        if wanted.minReplicas > pool.replicas {
            // Whatever exists or may (leaving and stopped members too) counts against the ceiling.
            let room = (wanted.maxReplicas ?? Int.max) - pool.footprint
            let count = min(wanted.minReplicas - pool.replicas, room, spec.maxCreatesPerApply ?? Int.max)
            for _ in 0..<max(0, count) {
                operations.append(try await create(endpoint.id, template: spec.template))
            }
        } else if wanted.minReplicas < pool.replicas {
            for member in pool.releasable.prefix(pool.replicas - wanted.minReplicas) {
                operations.append(try await release(member, pool: key(endpoint.id)))
            }
        }
        try await follow(operations)
    }

    private func key(_ endpointID: String) -> String { "\(account)/\(endpointID)" }
    static func prefix(_ endpointID: String) -> String { "scalerd-\(endpointID)-" }

    /// The pool now: a complete listing, reconciled with the ledger.
    private func current(_ endpointID: String) async throws(ProviderError) -> GPUGeekPool {
        let members = try await api.members(prefix: Self.prefix(endpointID))
        let pool = key(endpointID)
        let now = clock()
        let listedNames = Set(members.map(\.name)), listedIDs = Set(members.map(\.id))
        var unlisted: [PoolLedger.Creation] = []
        for creation in await ledger.outstandingCreations(pool: pool) {
            if listedNames.contains(creation.name) || creation.instanceID.map(listedIDs.contains) == true {
                await ledger.record(.createSettled(pool: pool, name: creation.name, why: "listed"), at: now)
            } else if now.timeIntervalSince(creation.requestedAt) > Self.unlistedGrace {
                await ledger.record(.createSettled(pool: pool, name: creation.name, why: "never listed in \(Int(Self.unlistedGrace))s"), at: now)
            } else {
                unlisted.append(creation)
            }
        }
        var leaving: Set<String> = []
        for release in await ledger.outstandingReleases(pool: pool) {
            let member = members.first { $0.id == release.instanceID }
            if member == nil {
                await ledger.record(.releaseSettled(pool: pool, instanceID: release.instanceID, why: "gone"), at: now)
            } else if member?.pending == false && now.timeIntervalSince(release.requestedAt) > Self.unlistedGrace {
                // Still listed, idle, long after: the release did not take; it may be asked again.
                await ledger.record(.releaseSettled(pool: pool, instanceID: release.instanceID, why: "still listed"), at: now)
            } else {
                leaving.insert(release.instanceID)
            }
        }
        return GPUGeekPool(members: members, unlisted: unlisted, leaving: leaving)
    }

    /// Sends one create under a name recorded first, so that even a create whose answer is lost
    /// is recognised when the listing shows it. Not retried: after a timeout or a 5xx the next
    /// apply lists the pool before it creates again.
    private func create(_ endpointID: String, template: InstanceTemplate) async throws(ProviderError) -> String {
        let name = "\(Self.prefix(endpointID))\(suffix())"
        let pool = key(endpointID)
        var creation = PoolLedger.Creation(pool: pool, name: name, instanceID: nil, operationID: nil, requestedAt: clock(), ambiguous: true)
        await ledger.record(.createSent(creation), at: creation.requestedAt)
        let data: JSON
        do {
            data = try await api.call(ProviderRequest(.post, "/api/v1/openapi/instance/create", body: GPUGeekAPI.createBody(template, name: name), idempotent: false))
        } catch {
            if ![.timeout, .unavailable, .network, .cancelled].contains(error.kind) {
                await ledger.record(.createSettled(pool: pool, name: name, why: "refused: \(error.kind.rawValue)"), at: clock())
            }
            throw error
        }
        guard let operation = data.field("operationId")?.string, let instance = data.field("instanceId")?.string else {
            throw ProviderError(.malformed, "POST /api/v1/openapi/instance/create: instanceId and operationId missing")
        }
        creation.instanceID = instance
        creation.operationID = operation
        creation.ambiguous = false
        await ledger.record(.created(creation), at: clock())
        return operation
    }

    private func release(_ member: GPUGeekPool.Member, pool: String) async throws(ProviderError) -> String {
        let id: JSON = Int64(member.id).map(JSON.integer) ?? .string(member.id)
        await ledger.record(.releaseSent(PoolLedger.Release(pool: pool, instanceID: member.id, requestedAt: clock())), at: clock())
        let data = try await api.call(ProviderRequest(.post, "/api/v1/openapi/instance/action", body: ["instanceId": id, "action": "release"], idempotent: false))
        guard let operation = data.field("operationId")?.string else {
            throw ProviderError(.malformed, "POST /api/v1/openapi/instance/action: operationId missing")
        }
        return operation
    }

    /// Polls `op/result` until every operation completes, one fails, or the time is up; work
    /// still in progress then shows as `isPending` to the next tick's read.
    private func follow(_ operations: [String]) async throws(ProviderError) {
        guard !operations.isEmpty, followFor > 0 else { return }
        let watch = Stopwatch(monotonicClock)
        let limit = Duration.milliseconds(Int64(followFor * 1000)), interval = Duration.milliseconds(Int64(pollInterval * 1000))
        var open = Set(operations)
        while !open.isEmpty {
            for result in try await api.operations(open.sorted()) {
                guard let id = result.field("operationId")?.string, open.contains(id) else { continue }
                if result["status"]?.int == 3 {
                    let action = result["action"]?.string ?? "operation"
                    throw ProviderError(.operationFailed, "\(action) \(id) on instance \(result.field("instanceId")?.string ?? "?") failed")
                }
                if result["isCompleted"]?.int == 1 { open.remove(id) }
            }
            guard !open.isEmpty, watch.elapsed + interval < limit else { return }
            do {
                try await monotonicClock.sleep(for: interval)
            } catch {
                throw ProviderError(.cancelled, "cancelled while following operations")
            }
        }
    }
}
