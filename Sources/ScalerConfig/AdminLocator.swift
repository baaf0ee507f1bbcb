import Foundation
import Yams

/// Finds the admin API's address and token in a config file without validating the rest, so
/// that `scalerd reload` can ask the daemon about a file that may well be broken.
public enum AdminLocator {
    public static func settings(inConfig file: String, secrets: SecretResolver = SecretResolver()) throws(ConfigError) -> AdminSettings {
        guard let data = FileManager.default.contents(atPath: file) ?? FileHandle(forReadingAtPath: file)?.readDataToEndOfFile() else {
            throw ConfigError(issues: [ConfigIssue(file: file, keyPath: "", line: nil, message: "cannot read the file")])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigError(issues: [ConfigIssue(file: file, keyPath: "admin", line: nil, message: "YAML syntax error: \(error)")])
        }
        let log = IssueLog(file: file)
        let node = root?.mapping?["admin"].map { ConfigNode(node: $0, path: "admin", log: log) }
        let settings = AdminReader(node: node, secrets: secrets).read()
        guard log.issues.isEmpty, let settings else { throw ConfigError(issues: log.issues) }
        return settings
    }
}
