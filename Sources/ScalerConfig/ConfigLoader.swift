import Foundation
import ScalerCore
import ScalerPorts
import Yams

/// Reads a config file into a validated `ScalerdConfig`, or every reason it cannot be one.
/// Loading never creates or touches the journal: it only checks that its directory is writable.
public struct ConfigLoader: Sendable {
    /// The provider kinds this build drives, whose descriptors the file is checked against.
    public var catalog: ProviderCatalog
    public var secrets: SecretResolver
    /// Base for relative paths in the file (the journal's).
    public var workingDirectory: String
    /// Whether the file must be runnable on this host: secrets readable, journal directory
    /// writable. Offline tools (simulate, replay) need only the policies.
    public var checksHost: Bool

    public init(
        catalog: ProviderCatalog,
        secrets: SecretResolver = SecretResolver(),
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        checksHost: Bool = true
    ) {
        self.catalog = catalog
        self.secrets = secrets
        self.workingDirectory = workingDirectory
        self.checksHost = checksHost
    }

    /// For tools that read policies on any machine: nothing is resolved or touched on this host.
    public static func offline(catalog: ProviderCatalog) -> ConfigLoader {
        ConfigLoader(catalog: catalog, secrets: SecretResolver(readsValues: false), checksHost: false)
    }

    public func load(file: String) throws(ConfigError) -> ScalerdConfig {
        // FileHandle also reads pipes (`--config /dev/stdin`, `<(...)`), which contents(atPath:) does not.
        guard let data = FileManager.default.contents(atPath: file) ?? FileHandle(forReadingAtPath: file)?.readDataToEndOfFile() else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot read the file" : "no such file"
            throw ConfigError(issues: [ConfigIssue(file: file, keyPath: "", line: nil, message: reason)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(issues: [ConfigIssue(file: file, keyPath: "", line: nil, message: "not UTF-8 text")])
        }
        if checksHost, let issue = Self.writableByOthers(file) {
            throw ConfigError(issues: [issue])
        }
        return try parse(text, file: file)
    }

    /// The file chooses where the API keys are sent: whoever may change it may take them.
    private static func writableByOthers(_ file: String) -> ConfigIssue? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o022 != 0 else { return nil }
        let who = mode & 0o002 != 0 ? "everyone" : "its group"
        let octal = String(mode & 0o777, radix: 8)
        return ConfigIssue(
            file: file, keyPath: "", line: nil,
            message: "mode 0\(octal) lets \(who) change it, and the file decides where scalerd sends its API keys; run chmod go-w \(file)"
        )
    }

    /// Larger or deeper than any real config (10,000 endpoints take 1-4 MiB): refused before the YAML
    /// parser sees it.
    static let largestFile = 8 << 20
    static let deepestNesting = 64

    public func parse(_ text: String, file: String) throws(ConfigError) -> ScalerdConfig {
        guard text.utf8.count <= Self.largestFile else {
            throw ConfigError(issues: [ConfigIssue(file: file, keyPath: "", line: nil, message: "the file is larger than \(Self.largestFile >> 20) MiB; no scalerd config is")])
        }
        if let line = Self.lineNestedTooDeep(text) {
            throw ConfigError(issues: [ConfigIssue(file: file, keyPath: "", line: line, message: "lists and mappings nested more than \(Self.deepestNesting) deep")])
        }
        let root: Node
        do {
            // Every scalar is read as text and parsed by scalerd (`ConfigNumber`, durations,
            // shares): Yams' implicit types, one regular expression per scalar, were a third of
            // loading 10,000 endpoints, and nothing here used them.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                throw ConfigError(issues: [ConfigIssue(file: file, keyPath: "", line: nil, message: "the file is empty")])
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(issues: [Self.syntaxIssue(error, file: file)])
        }
        let log = IssueLog(file: file)
        let reader = ConfigReader(log: log, secrets: secrets, catalog: catalog, workingDirectory: workingDirectory, checksHost: checksHost)
        let config = reader.read(ConfigNode(node: root, path: "", log: log), file: file)
        guard log.issues.isEmpty, let config else {
            throw ConfigError(issues: log.issues)
        }
        return config
    }

    /// The line where `[` and `{` outside quotes and comments first nest too deep: the YAML
    /// parser builds its tree by recursion, and a hostile file must not exhaust the stack.
    static func lineNestedTooDeep(_ text: String) -> Int? {
        var depth = 0, line = 1
        var quote: UInt8?
        var comment = false
        // A quote opens a scalar, and `#` a comment, only where a new token may start.
        var tokenStart = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                line += 1
                comment = false
                tokenStart = true
                continue
            }
            if comment { continue }
            if let open = quote {
                if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "\"") where tokenStart, UInt8(ascii: "'") where tokenStart: quote = byte
            case UInt8(ascii: "#") where tokenStart: comment = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepestNesting { return line }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
            tokenStart = [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "["),
                          UInt8(ascii: "{"), UInt8(ascii: ",")].contains(byte)
        }
        return nil
    }

    private static func syntaxIssue(_ error: Error, file: String) -> ConfigIssue {
        switch error {
        case YamlError.scanner(_, let problem, let mark, _), YamlError.parser(_, let problem, let mark, _),
             YamlError.composer(_, let problem, let mark, _):
            return ConfigIssue(file: file, keyPath: "", line: mark.line, message: "YAML syntax error at column \(mark.column): \(problem)")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().joined(separator: ", ")
            return ConfigIssue(file: file, keyPath: "", line: context.mark.line, message: "duplicate key(s) in one mapping: \(keys)")
        default:
            return ConfigIssue(file: file, keyPath: "", line: nil, message: "YAML syntax error: \(error)")
        }
    }
}
