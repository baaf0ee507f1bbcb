/// A name a descriptor declares and a config file chooses: a string with a type of its own, so
/// that a kind is never passed where an API is meant.
public protocol DeclaredName: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral
where RawValue == String {
    init(rawValue: String)
}

extension DeclaredName {
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public init(from decoder: Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// A provider's `kind` in the config (`runpod`, `ppio`, ...).
public struct ProviderKind: DeclaredName {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Which of a provider's APIs to drive (`api` in the config: `rest`, `graphql`, `v1`, `v2`).
public struct ProviderAPI: DeclaredName {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}
