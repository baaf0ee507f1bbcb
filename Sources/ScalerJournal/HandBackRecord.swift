import Foundation
import ScalerCore

/// What a graceful stop did with one endpoint, as its stop record keeps it.
public struct HandBackRecord: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// `min_replicas` was pushed as the floor; `outcome` says whether the provider took it.
        case released
        /// `on_stop: hold`: the last pushed floor stays.
        case held
        /// `on_stop: release`, but the endpoint is in dry-run or paused: scalerd does not write
        /// to it, at a stop either.
        case skipped
    }

    public var endpoint: String
    public var onStop: OnStop
    public var action: Action
    public var pushedMinReplicas: Int?
    public var outcome: OutcomeLabel?
    public var errorKind: FailureKind?
    public var detail: String?

    public init(
        endpoint: String, onStop: OnStop, action: Action, pushedMinReplicas: Int? = nil, outcome: OutcomeLabel? = nil,
        errorKind: FailureKind? = nil, detail: String? = nil
    ) {
        self.endpoint = endpoint
        self.onStop = onStop
        self.action = action
        self.pushedMinReplicas = pushedMinReplicas
        self.outcome = outcome
        self.errorKind = errorKind
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case endpoint, action, outcome, detail
        case onStop = "on_stop", pushedMinReplicas = "pushed_min_replicas", errorKind = "error_kind"
    }

    /// `chat-llm released to 1 (ok)`, for the tables.
    public var summary: String {
        switch action {
        case .held: return "\(endpoint) held"
        case .skipped: return "\(endpoint) not released (\(detail ?? "skipped"))"
        case .released:
            let answer = outcome == .ok ? "ok" : "\(errorKind?.rawValue ?? "error"): \(detail ?? "")"
            return "\(endpoint) released to \(pushedMinReplicas ?? 0) (\(answer))"
        }
    }
}

extension DaemonEvent {
    /// A stop's detail: what it left each endpoint with.
    public struct StopDetail: Sendable, Hashable, Codable {
        public var endpoints: [HandBackRecord]

        public init(endpoints: [HandBackRecord]) {
            self.endpoints = endpoints
        }

        public init?(detail: String) {
            guard let decoded = try? DaemonEvent.detailDecoder.decode(Self.self, from: Data(detail.utf8)) else { return nil }
            self = decoded
        }

        public var detail: String { DaemonEvent.detailJSON(self) }
    }
}
