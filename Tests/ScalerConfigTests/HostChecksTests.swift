import Foundation
import ScalerConfig
import ScalerProviders
import Testing

/// `check` refuses what `run` would fail on at start: a journal that is not a writable file, an
/// admin socket that cannot be made; offline tools still read such files.
@Suite struct HostChecks {
    private func refused(_ edit: (String, ConfigFixture) -> String) throws -> [ConfigIssue] {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        return try fixture.issues(edit(fixture.validYAML(), fixture))
    }

    @Test(arguments: ["/", "/tmp/", "null", "~"])
    func aJournalPathThatIsNoFileIsRefused(path: String) throws {
        let issues = try refused { yaml, fixture in yaml.replacing("  path: \(fixture.journalPath)", with: "  path: \(path)") }
        #expect(issues.map(\.keyPath) == ["journal.path"], "\(issues)")
    }

    @Test func aJournalPathThatIsADirectoryIsRefused() throws {
        let issues = try refused { yaml, fixture in
            try? FileManager.default.createDirectory(atPath: fixture.journalPath, withIntermediateDirectories: true)
            return yaml
        }
        #expect(issues.first?.message.contains("is a directory; journal.path is the journal's file") == true)
    }

    @Test func anAdminSocketPathTooLongOrInAMissingDirectoryIsRefused() throws {
        let long = "/tmp/" + String(repeating: "s", count: 120) + ".sock"
        let tooLong = try refused { yaml, _ in yaml.replacing("log: { level: info, format: json }", with: "admin: { listen: \"unix:\(long)\" }") }
        #expect(tooLong.first?.message.contains("a unix socket path holds at most 107") == true)
        let missing = try refused { yaml, _ in yaml.replacing("log: { level: info, format: json }", with: "admin: { listen: \"unix:/nonexistent-dir/admin.sock\" }") }
        #expect(missing.first?.message == "the admin socket cannot be made: directory /nonexistent-dir does not exist")
    }

    @Test func offlineToolsStillReadAFileThatCouldNotRunHere() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let text = fixture.validYAML().replacing("log: { level: info, format: json }", with: "admin: { listen: \"unix:/nonexistent-dir/admin.sock\" }")
        #expect(throws: Never.self) { try ConfigLoader.offline(catalog: ProviderModules.catalog).parse(text, file: "x.yaml") }
    }
}
