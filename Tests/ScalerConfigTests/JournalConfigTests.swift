import ScalerConfig
import Testing

@Suite struct JournalConfig {
    @Test func retentionIsReadAndDefaultsToKeepingEverything() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        #expect(try fixture.load(fixture.validYAML()).journal.retention == nil)
        let kept = try fixture.load(fixture.validYAML().replacing("journal:\n  path: \(fixture.journalPath)", with: "journal:\n  path: \(fixture.journalPath)\n  retention: 90d"))
        #expect(kept.journal.retention == Double(90 * 86_400))
    }

    @Test func aRetentionUnderADayIsRefused() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(fixture.validYAML().replacing("journal:\n  path: \(fixture.journalPath)", with: "journal:\n  path: \(fixture.journalPath)\n  retention: 6h"))
        #expect(issues.map(\.keyPath) == ["journal.retention"])
        #expect(issues.first?.message == "retention must be at least 1d: an audit journal kept for less is hardly one")
    }
}
