import Foundation
import GRDB
import ScalerCore

/// The state one endpoint's next decision starts from, as saved with the tick that produced it.
public struct EndpointState: Sendable, Hashable {
    public var endpoint: String
    /// The policy it was built under: a restart under another carries on only what still holds.
    public var policyVersion: String
    public var savedAt: Date
    public var state: ScalerState

    public init(endpoint: String, policyVersion: String, savedAt: Date, state: ScalerState) {
        self.endpoint = endpoint
        self.policyVersion = policyVersion
        self.savedAt = savedAt
        self.state = state
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    var json: String {
        (try? Self.encoder.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension Journal {
    /// Every endpoint's saved state; one that cannot be read is left out (its endpoint starts
    /// afresh) rather than failing the start.
    public func endpointStates() throws(JournalError) -> [EndpointState] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT endpoint, policy_version, saved_at, state FROM endpoint_state").compactMap { row in
                    guard let text: String = row["state"], let state = try? decoder.decode(ScalerState.self, from: Data(text.utf8)) else { return nil }
                    return EndpointState(endpoint: row["endpoint"], policyVersion: row["policy_version"],
                                         savedAt: Date(timeIntervalSince1970: row["saved_at"]), state: state)
                }
            }
        } catch {
            throw JournalError(path: path, action: "read endpoint states", underlying: error)
        }
    }
}
