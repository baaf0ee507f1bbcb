import Foundation
import GRDB
import ScalerCore

/// One evaluation of one endpoint, as it is kept for audit: inputs, policy version, every clamp,
/// the final value and what the provider said.
public struct JournalEntry: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Date
    public var endpoint: String
    public var provider: String
    public var mode: String
    public var policyVersion: String
    public var metricStatus: String
    public var metricAge: Double?
    public var metricError: String?
    public var queueDelay: Double?
    public var queueDelayEstimated: Bool
    public var queued: Int?
    public var inFlight: Int?
    public var readyWorkers: Int?
    public var currentReplicas: Int
    public var rawDesired: Int?
    public var desired: Int
    public var clamps: [Clamp]
    public var action: String
    public var reason: String
    public var pushed: Bool
    public var outcome: String
    public var errorKind: String?
    public var errorMessage: String?
    public var providerLatencyMs: Double?

    public init(
        decision: Decision,
        observation: Observation,
        endpoint: String,
        provider: String,
        mode: String,
        policyVersion: String,
        outcome: ActuationOutcome,
        providerLatency: Double?
    ) {
        let sample = observation.sample
        id = nil
        at = decision.at
        self.endpoint = endpoint
        self.provider = provider
        self.mode = mode
        self.policyVersion = policyVersion
        metricStatus = decision.metricStatus.rawValue
        metricAge = decision.metricAge
        if case .failure(let why) = observation.metrics { metricError = why } else { metricError = nil }
        queueDelay = sample?.queueDelay
        queueDelayEstimated = sample?.queueDelayEstimated ?? false
        queued = sample?.queued
        inFlight = sample?.inFlight
        readyWorkers = sample?.readyWorkers
        currentReplicas = decision.currentReplicas
        rawDesired = decision.rawRecommendation
        desired = decision.desiredReplicas
        clamps = decision.clamps
        action = decision.action.rawValue
        reason = decision.reason
        pushed = outcome.pushed
        self.outcome = outcome.label
        switch outcome {
        case .failed(let kind, let message):
            errorKind = kind
            errorMessage = message
        case .skipped(let why):
            errorKind = nil
            errorMessage = why
        default:
            errorKind = nil
            errorMessage = nil
        }
        providerLatencyMs = providerLatency.map { ($0 * 1_000_000).rounded() / 1000 }
    }
}

extension JournalEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "decision"
    // Unix seconds as REAL: compact, and comparable in SQL for time-range queries.
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
