import ScalerConfig
import Testing

/// The `ha:` block: where the shared PostgreSQL is, its password kept out of the file, and a
/// lease long enough for the tick.
@Suite struct HAConfig {
    private func withHA(_ block: String, _ fixture: ConfigFixture) -> String {
        fixture.validYAML().replacing("log: { level: info, format: json }", with: "log: { level: info, format: json }\nha: \(block)")
    }

    @Test func theLeaseStoreIsReadWithItsPasswordFromASecretAndTheDefaults() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        #expect(try fixture.load(fixture.validYAML()).ha == nil, "without ha: the instance acts alone")
        let config = try fixture.load(withHA("{ url: \"postgres://scalerd@db1.internal/scalerd\", password: env:PG_PASSWORD }", fixture),
                                      environment: ConfigFixture.environment.merging(["PG_PASSWORD": "pg-secret-42"]) { $1 })
        let ha = try #require(config.ha)
        #expect(ha.server.host == "db1.internal" && ha.server.port == 5432 && ha.server.username == "scalerd" && ha.server.database == "scalerd")
        #expect(ha.server.tls == .prefer && ha.lease == 15 && ha.group == "scalerd" && ha.shards == 1)
        #expect(ha.server.password?.reveal() == "pg-secret-42")
        #expect(!ConfigSummary.text(of: config).contains("pg-secret-42"), "check never prints the password")
        #expect(ConfigSummary.text(of: config).contains("ha: group scalerd on postgres://scalerd@db1.internal:5432/scalerd?sslmode=prefer"))
    }

    @Test func sslmodePortLeaseGroupAndShardsAreRead() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let config = try fixture.load(withHA("{ url: \"postgresql://ops@10.0.0.5:6432/control?sslmode=require\", lease: 30s, group: gpu-east, shards: 4 }", fixture))
        let ha = try #require(config.ha)
        #expect(ha.server.port == 6432 && ha.server.tls == .require && ha.lease == 30 && ha.group == "gpu-east" && ha.server.password == nil)
        #expect(ha.shards == 4)
        #expect(ConfigSummary.text(of: config).contains("lease 30s, 4 shards (each with a leader of its own)"))
    }

    @Test(arguments: [
        ("{ url: \"postgres://scalerd:hunter2@db/scalerd\" }", "ha.url", "the URL carries a password: give it as ha.password (env:, file: or credential:), never in the URL itself"),
        ("{ url: \"mysql://scalerd@db/scalerd\" }", "ha.url", "expected postgres://user@host:5432/database, found 'mysql://scalerd@db/scalerd'"),
        ("{ url: \"postgres://db/scalerd\" }", "ha.url", "the URL needs a user and a host: postgres://user@host:5432/database"),
        ("{ url: \"postgres://scalerd@db\" }", "ha.url", "the URL needs one database name after the host: postgres://scalerd@db/scalerd"),
        ("{ url: \"postgres://scalerd@db/scalerd?sslmode=verify-full\" }", "ha.url", "sslmode must be one of disable, prefer, require, got 'verify-full'"),
        ("{ url: \"postgres://scalerd@db/scalerd\", lease: 10s }", "ha.lease", "must be at least 3 ticks (15s): the leader renews it every tick and stops acting a third of it before it runs out"),
        ("{ url: \"postgres://scalerd@db/scalerd\", password: \"plain-text\" }", "ha.password", "expected a secret reference env:NAME, file:PATH or credential:NAME; secrets are never written into the config itself"),
        ("{ url: \"postgres://scalerd@db/scalerd\", group: \"a b\" }", "ha.group", "a group is 1 to 64 letters, digits, '-', '_' or '.', got 'a b'"),
        ("{ url: \"postgres://scalerd@db/scalerd\", leases: 15s }", "ha.leases", nil),
        ("{ url: \"postgres://scalerd@db/scalerd\", shards: 0 }", "ha.shards", "must be 1 or more, got 0"),
        ("{ url: \"postgres://scalerd@db/scalerd\", shards: 257 }", "ha.shards", "must be at most 256, got 257: each shard is a lease claimed at every tick"),
        ("{ url: \"postgres://scalerd@db/scalerd\", shards: 2.5 }", "ha.shards", nil),
        ("{ url: \"postgres://scalerd@db/scalerd\", shards: 9223372036854775808 }", "ha.shards", nil),
        ("{ url: \"postgres://scalerd@db/scalerd\", shards: -7 }", "ha.shards", "must be 1 or more, got -7"),
        ("{ url: \"postgres://scalerd@db/scalerd\", shards: 1e308 }", "ha.shards", nil),
        ("{ url: \"postgres://scalerd@db:9223372036854775808/scalerd\" }", "ha.url", "the port must be between 1 and 65535, got 9223372036854775808"),
        ("{ url: \"postgres://scalerd@db:-7/scalerd\" }", "ha.url", nil),
        ("{ url: \"postgres://scalerd@db:1e308/scalerd\" }", "ha.url", nil),
        ("{ url: \"postgres://scalerd@db:70000/scalerd\" }", "ha.url", "the port must be between 1 and 65535, got 70000"),
        ("{ url: \"postgres://scalerd@db/scalerd\", lease: 1e308 }", "ha.lease", "must be at most 365 days, got 1e308"),
        ("{ url: \"postgres://scalerd@db/scalerd\", lease: -7 }", "ha.lease", nil),
    ])
    func aBadHABlockIsRefusedNamingTheField(block: String, keyPath: String, message: String?) throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(withHA(block, fixture))
        #expect(issues.map(\.keyPath) == [keyPath], "\(issues)")
        if let message { #expect(issues.first?.message == message) }
        #expect(!issues.map(\.description).joined().contains("hunter2"), "a password written in the URL is never repeated")
    }
}
