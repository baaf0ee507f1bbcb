import Foundation
import ScalerCore

/// An endpoint as its provider reports it.
public struct EndpointStatus: Sendable, Hashable {
    /// The replica count scalerd controls (the provider's minimum/desired workers).
    public var replicas: Int
    /// Workers taking requests now, when the provider says.
    public var readyWorkers: Int?

    public init(replicas: Int, readyWorkers: Int? = nil) {
        self.replicas = replicas
        self.readyWorkers = readyWorkers
    }
}

/// What scalerd wants an endpoint to run: absolute, so that repeating it is harmless.
public struct DesiredEndpoint: Sendable, Hashable {
    public var replicas: Int

    public init(replicas: Int) {
        self.replicas = replicas
    }
}

/// A GPU cloud that hosts endpoints. One file per provider, chosen by `kind` in the config.
public protocol Provider: Sendable {
    func read(endpointID: String) async throws(ProviderError) -> EndpointStatus
    func apply(_ desired: DesiredEndpoint, endpointID: String) async throws(ProviderError)
}

/// A provider failure, categorised so that the journal can be filtered by kind.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case unauthorized, notFound = "not_found", rateLimited = "rate_limited", server, timeout
        case malformed, network, rejected, cancelled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
