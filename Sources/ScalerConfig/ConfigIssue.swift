/// One thing wrong with a config file: where, and what.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// Key path such as `endpoints[1].policy.min_replicas`; empty for the whole file.
    public var keyPath: String
    public var line: Int?
    public var message: String

    public init(file: String, keyPath: String, line: Int?, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

/// Every issue found in one file, reported together so that one edit can fix them all.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    public var description: String {
        let count = issues.count == 1 ? "1 error" : "\(issues.count) errors"
        return "invalid configuration (\(count)):\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
