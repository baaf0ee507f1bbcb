import Foundation

/// What an instance pool asked of its provider and has not yet seen happen: creates whose
/// instance the listing does not show yet (or whose answer was lost), and releases of instances
/// the listing still shows. Until then they count, so that a listing that lags or a lost answer
/// never makes scalerd create a second instance for one it already asked for. Every change is
/// handed to `persist` (the daemon journals it) and a restarted daemon restores from those.
public actor PoolLedger {
    /// One create scalerd sent, by the instance name it chose.
    public struct Creation: Sendable, Hashable {
        public var pool: String
        public var name: String
        public var instanceID: String?
        public var operationID: String?
        public var requestedAt: Date
        /// The answer was lost (a timeout or 5xx): the provider may or may not have created it.
        public var ambiguous: Bool

        public init(pool: String, name: String, instanceID: String?, operationID: String?, requestedAt: Date, ambiguous: Bool) {
            self.pool = pool
            self.name = name
            self.instanceID = instanceID
            self.operationID = operationID
            self.requestedAt = requestedAt
            self.ambiguous = ambiguous
        }
    }

    public struct Release: Sendable, Hashable {
        public var pool: String
        public var instanceID: String
        public var requestedAt: Date

        public init(pool: String, instanceID: String, requestedAt: Date) {
            self.pool = pool
            self.instanceID = instanceID
            self.requestedAt = requestedAt
        }
    }

    /// One change to the ledger, as it is journalled and replayed.
    public enum Event: Sendable, Hashable {
        case createSent(Creation)
        case created(Creation)
        case createSettled(pool: String, name: String, why: String)
        case releaseSent(Release)
        case releaseSettled(pool: String, instanceID: String, why: String)
    }

    private var creations: [String: [String: Creation]] = [:]
    private var releases: [String: [String: Release]] = [:]
    private let persist: @Sendable (Event, Date) async -> Void

    public init(restoring events: [Event] = [], persist: @escaping @Sendable (Event, Date) async -> Void = { _, _ in }) {
        self.persist = persist
        for event in events { Self.apply(event, creations: &creations, releases: &releases) }
    }

    public func outstandingCreations(pool: String) -> [Creation] {
        creations[pool, default: [:]].values.sorted { $0.requestedAt < $1.requestedAt }
    }

    public func outstandingReleases(pool: String) -> [Release] {
        releases[pool, default: [:]].values.sorted { $0.requestedAt < $1.requestedAt }
    }

    public func record(_ event: Event, at time: Date) async {
        Self.apply(event, creations: &creations, releases: &releases)
        await persist(event, time)
    }

    private static func apply(_ event: Event, creations: inout [String: [String: Creation]], releases: inout [String: [String: Release]]) {
        switch event {
        case .createSent(let creation), .created(let creation):
            creations[creation.pool, default: [:]][creation.name] = creation
        case .createSettled(let pool, let name, _):
            creations[pool]?[name] = nil
        case .releaseSent(let release):
            releases[release.pool, default: [:]][release.instanceID] = release
        case .releaseSettled(let pool, let instanceID, _):
            releases[pool]?[instanceID] = nil
        }
    }
}
