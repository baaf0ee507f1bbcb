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

    package var json: String {
        (try? Self.encoder.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension EndpointState {
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// A saved state as stored (`endpoint`, `policy_version`, `saved_at`, `state`); nil when this
    /// version cannot read it, a value of the wrong type included (the endpoint starts afresh).
    package init?(row: Row) {
        guard let endpoint: String = row.readable("endpoint"), let policyVersion: String = row.readable("policy_version"),
              let savedAt: Double = row.readable("saved_at"), let json: String = row.readable("state"),
              let state = try? Self.decoder.decode(ScalerState.self, from: Data(json.utf8)) else { return nil }
        self.init(endpoint: endpoint, policyVersion: policyVersion, savedAt: Date(timeIntervalSince1970: savedAt), state: state)
    }
}

extension Journal {
    public func endpointStates() throws(JournalError) -> [EndpointState] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT endpoint, policy_version, saved_at, state FROM endpoint_state").compactMap(EndpointState.init(row:))
            }
        } catch {
            throw JournalError(path: path, action: "read endpoint states", underlying: error)
        }
    }
}
