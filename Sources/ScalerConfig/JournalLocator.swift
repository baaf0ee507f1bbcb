import Foundation
import Yams

/// Finds the journal a config file names (`journal.path`, or `journal.url` with its password)
/// without validating the rest, so that an auditor can query the journal without the daemon's
/// other secrets.
public enum JournalLocator {
    public static func store(
        inConfig file: String, workingDirectory: String = FileManager.default.currentDirectoryPath, secrets: SecretResolver = SecretResolver()
    ) throws(ConfigError) -> JournalSettings.Store {
        func failure(_ message: String) -> ConfigError {
            ConfigError(issues: [ConfigIssue(file: file, keyPath: "journal", line: nil, message: message)])
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw failure("cannot read the file") }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw failure("YAML syntax error: \(error)")
        }
        let journal = root?.mapping?["journal"]?.mapping
        if let url = journal?["url"] {
            let log = IssueLog(file: file)
            let block = ConfigNode(node: .mapping(journal ?? [:]), path: "journal", log: log)
            let location = PostgresURLReader(secrets: secrets).read(
                url: block.child("url", url), password: journal?["password"].map { block.child("password", $0) }, passwordKey: "journal.password (env:, file: or credential:)"
            )
            guard let location else { throw ConfigError(issues: log.issues) }
            return .postgres(location)
        }
        let path = journal?["path"]?.string ?? ConfigReader.defaultJournalPath
        let absolute = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        return .file(path: (absolute as NSString).standardizingPath)
    }
}

extension JournalLocator {
    /// A journal named on the command line: a file, or a `postgres://` URL whose password comes
    /// from `PGPASSWORD`, as for PostgreSQL's own tools. `option` names it in messages.
    public static func store(
        argument: String, option: String, workingDirectory: String = FileManager.default.currentDirectoryPath,
        secrets: SecretResolver = SecretResolver()
    ) throws(ConfigError) -> JournalSettings.Store {
        guard argument.hasPrefix("postgres://") || argument.hasPrefix("postgresql://") else {
            let absolute = argument.hasPrefix("/") ? argument : (workingDirectory as NSString).appendingPathComponent(argument)
            return .file(path: (absolute as NSString).standardizingPath)
        }
        let log = IssueLog(file: "the command line")
        let url = ConfigNode(node: Node(argument), path: option, log: log)
        let password = secrets.environment["PGPASSWORD"].map { _ in ConfigNode(node: Node("env:PGPASSWORD"), path: "PGPASSWORD", log: log) }
        guard let location = PostgresURLReader(secrets: secrets).read(url: url, password: password, passwordKey: "PGPASSWORD in the environment") else {
            throw ConfigError(issues: log.issues)
        }
        return .postgres(location)
    }
}
