import Foundation
import Yams

/// Finds `journal.path` in a config file without validating the rest, so that an auditor can
/// query the journal without the daemon's secrets.
public enum JournalLocator {
    public static func path(inConfig file: String, workingDirectory: String = FileManager.default.currentDirectoryPath) throws(ConfigError) -> String {
        func failure(_ message: String) -> ConfigError {
            ConfigError(issues: [ConfigIssue(file: file, keyPath: "journal.path", line: nil, message: message)])
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw failure("cannot read the file") }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw failure("YAML syntax error: \(error)")
        }
        let path = root?.mapping?["journal"]?.mapping?["path"]?.string ?? ConfigReader.defaultJournalPath
        let absolute = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }
}
