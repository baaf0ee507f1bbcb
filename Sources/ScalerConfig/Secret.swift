import Foundation

/// Where a secret comes from, as written in the config file.
public enum SecretReference: Sendable, Hashable, Codable, CustomStringConvertible {
    case environment(String)
    case file(String)
    /// A file in systemd's `$CREDENTIALS_DIRECTORY` (`LoadCredential=`).
    case credential(String)

    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch parts[0] {
        case "env": self = .environment(parts[1])
        case "file": self = .file(parts[1])
        case "credential": self = .credential(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .environment(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        case .credential(let name): return "credential:\(name)"
        }
    }
}

/// A resolved secret. Its value never appears in descriptions, dumps or encodings.
public struct Secret: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    public let reference: SecretReference
    private let value: String

    public init(reference: SecretReference, value: String) {
        self.reference = reference
        self.value = value
    }

    /// The only way to the value: call it where the secret is put on the wire, nowhere else.
    public func reveal() -> String { value }

    public var description: String { "\(reference) (\(value.count) characters, masked)" }
    public var debugDescription: String { description }

    public init(from decoder: Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "secrets are never decoded"))
    }

    /// Only the reference is encoded, so that fingerprints and printed configs never carry the value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(reference.description)
    }
}

/// Reads secret references; the environment is injected so that tests need no global state.
public struct SecretResolver: Sendable {
    public var environment: [String: String]
    /// False for offline tools: references are kept, values never read.
    public var readsValues: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, readsValues: Bool = true) {
        self.environment = environment
        self.readsValues = readsValues
    }

    public func resolve(_ reference: SecretReference) -> Result<Secret, SecretError> {
        guard readsValues else { return .success(Secret(reference: reference, value: "")) }
        switch reference {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                return .failure(SecretError("environment variable \(name) is not set or empty"))
            }
            return .success(Secret(reference: reference, value: value))
        case .file(let path):
            return read(path, reference: reference)
        case .credential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                return .failure(SecretError("credential \(name) needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=), which is not set"))
            }
            guard !name.contains("/") else {
                return .failure(SecretError("credential name \(name) must not contain '/'"))
            }
            return read((directory as NSString).appendingPathComponent(name), reference: reference)
        }
    }

    private func read(_ path: String, reference: SecretReference) -> Result<Secret, SecretError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(SecretError("cannot read \(path)"))
        }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return .failure(SecretError("\(path) is empty")) }
        return .success(Secret(reference: reference, value: value))
    }
}

public struct SecretError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
