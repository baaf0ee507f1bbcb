import Foundation
import ScalerConfig
import Testing

/// `journal: { url, password }`: the journal in PostgreSQL, its password kept out of the file,
/// and the lease of `ha:` in the same database unless `ha.url` says otherwise.
@Suite struct PostgresJournalConfig {
    private func withJournal(_ block: String, ha: String? = nil, _ fixture: ConfigFixture) -> String {
        var yaml = fixture.validYAML().replacing("journal:\n  path: \(fixture.journalPath)", with: "journal: \(block)")
        if let ha { yaml = yaml.replacing("log: { level: info, format: json }", with: "log: { level: info, format: json }\nha: \(ha)") }
        return yaml
    }

    private let environment = ConfigFixture.environment.merging(["PG_PASSWORD": "pg-journal-secret-9"]) { $1 }

    @Test func aJournalURLIsReadWithItsPasswordFromASecret() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(
            withJournal("{ url: \"postgres://scalerd@db1.internal:6432/audit?sslmode=require\", password: env:PG_PASSWORD, retention: 30d }", fixture),
            environment: environment
        )
        let location = try #require(config.journal.postgres)
        #expect(location.host == "db1.internal" && location.port == 6432 && location.database == "audit" && location.tls == .require)
        #expect(location.password?.reveal() == "pg-journal-secret-9")
        #expect(config.journal.path == nil && config.journal.retention == 30 * 86_400)
        let summary = ConfigSummary.text(of: config)
        #expect(summary.contains("journal: postgres://scalerd@db1.internal:6432/audit?sslmode=require, password env:PG_PASSWORD"), "\(summary)")
        #expect(!summary.contains("pg-journal-secret-9"))
    }

    @Test func theLeaseIsInTheJournalsDatabaseUnlessHAURLSaysOtherwise() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let journal = "{ url: \"postgres://scalerd@db1.internal/audit\", password: env:PG_PASSWORD }"
        let shared = try fixture.load(withJournal(journal, ha: "{ lease: 20s }", fixture), environment: environment)
        #expect(shared.ha?.server == shared.journal.postgres, "one database, one password")
        #expect(shared.ha?.lease == 20)
        let apart = try fixture.load(withJournal(journal, ha: "{ url: \"postgres://lease@db2.internal/leases\" }", fixture), environment: environment)
        #expect(apart.ha?.server.host == "db2.internal" && apart.ha?.server.password == nil)
    }

    @Test(arguments: [
        ("{ url: \"postgres://scalerd@db/audit\", path: /tmp/j.sqlite }", nil as String?, "journal.path", "a journal is a file (path) or a PostgreSQL database (url), not both"),
        ("{ path: /tmp/j.sqlite, password: env:PG_PASSWORD }", nil, "journal.password", "journal.password goes with journal.url; a journal file has none"),
        ("{ url: \"postgres://scalerd:hunter2@db/audit\" }", nil, "journal.url", "the URL carries a password: give it as journal.password (env:, file: or credential:), never in the URL itself"),
        ("{ url: \"postgres://scalerd@db/audit\", password: hunter2 }", nil, "journal.password", "expected a secret reference env:NAME, file:PATH or credential:NAME; secrets are never written into the config itself"),
        ("{ url: \"postgres://scalerd@db/audit?sslmode=allow\" }", nil, "journal.url", "sslmode must be one of disable, prefer, require, got 'allow'"),
        ("{ url: \"postgres://scalerd@db:0/audit\" }", nil, "journal.url", "the port must be between 1 and 65535, got 0"),
        ("{ url: \"postgres://scalerd@db/audit\", password: env:PG_MISSING }", nil, "journal.password", nil),
        ("{ path: /tmp/j.sqlite }", "{ lease: 30s }", "ha", "ha.url is needed: the lease is kept in PostgreSQL, and the journal is not (give journal.url, or ha.url)"),
        ("{ url: \"postgres://scalerd@db/audit\" }", "{ password: env:PG_PASSWORD }", "ha.password", "ha.password goes with ha.url; without one the lease is in the journal's database, reached as journal.url says"),
    ])
    func aBadJournalBlockIsRefusedNamingTheField(journal: String, ha: String?, keyPath: String, message: String?) throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(withJournal(journal, ha: ha, fixture), environment: environment)
        #expect(issues.map(\.keyPath) == [keyPath], "\(issues)")
        if let message { #expect(issues.first?.message == message) }
        #expect(!issues.map(\.description).joined().contains("hunter2"), "a password written in the URL is never repeated")
    }

    @Test func theCommandLineFindsAPostgresJournalInAConfigWithoutReadingTheRest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("locator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("scalerd.yaml").path
        try "journal: { url: \"postgres://auditor@db/audit?sslmode=disable\", password: env:PG_PASSWORD }\nproviders: [ { broken } ]\n".write(toFile: file, atomically: true, encoding: .utf8)
        let store = try JournalLocator.store(inConfig: file, secrets: SecretResolver(environment: ["PG_PASSWORD": "x-secret"]))
        guard case .postgres(let location) = store else { Issue.record("expected a PostgreSQL journal, got \(store)"); return }
        #expect(location.username == "auditor" && location.tls == .disable && location.password?.reveal() == "x-secret")
        #expect(try JournalLocator.store(argument: "postgres://auditor@db/audit", option: "--journal", secrets: SecretResolver(environment: [:])) != store,
                "no PGPASSWORD: no password")
        #expect(try JournalLocator.store(argument: "j.sqlite", option: "--journal", workingDirectory: "/var/lib/scalerd") == .file(path: "/var/lib/scalerd/j.sqlite"))
    }
}
