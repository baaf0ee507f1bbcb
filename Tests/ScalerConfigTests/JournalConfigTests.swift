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

    @Test func holdWriteIntervalIsReadAndDefaultsToTenSeconds() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        #expect(try fixture.load(fixture.validYAML()).journal.holdWriteInterval == 10)
        for (text, seconds) in [("0s", 0.0), ("30s", 30)] {
            let config = try fixture.load(fixture.validYAML().replacing("journal:\n  path: \(fixture.journalPath)", with: "journal:\n  path: \(fixture.journalPath)\n  hold_write_interval: \(text)"))
            #expect(config.journal.holdWriteInterval == seconds)
        }
    }

    @Test func aHoldWriteIntervalOverAMinuteIsRefused() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let issues = try fixture.issues(fixture.validYAML().replacing("journal:\n  path: \(fixture.journalPath)", with: "journal:\n  path: \(fixture.journalPath)\n  hold_write_interval: 5m"))
        #expect(issues.map(\.keyPath) == ["journal.hold_write_interval"])
        #expect(issues.first?.message == "must be at most 1m: a crash loses up to this much of a steady endpoint's record")
    }
}
