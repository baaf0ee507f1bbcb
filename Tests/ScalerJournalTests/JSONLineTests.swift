import Foundation
import ScalerCore
@testable import ScalerJournal
import Testing

@Suite struct ExportedJSONLines {
    /// What Foundation's encoder, configured as every JSON view of the journal is, writes.
    private func encoded(_ entry: JournalEntry) throws -> String {
        let encoder = JournalFormatter.jsonEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(entry), as: UTF8.self)
    }

    @Test func aLineIsExactlyWhatFoundationsEncoderWrites() throws {
        var full = entry(at: 1_800_000_000.125, outcome: .failed(kind: .rateLimited, message: "429 \"slow\" down\\n\nnow/then\t\u{01}é"))
        full.id = 42
        full.drift = [SettingDrift(field: "max_replicas", live: "8", wanted: "4"), SettingDrift(field: "idle_timeout", live: "5", wanted: "30")]
        full.clamps.append(Clamp(kind: .budget, before: 6, after: -2, detail: "spend/hour \"capped\""))
        full.metricErrorKind = .timeout
        full.metricError = "no answer within 0.45s"
        (full.prevHash, full.hash, full.extensionHash) = ("00ab", "cd12", "ef34")
        full.queueDelayMin = 0.1
        full.queueDelayMax = 1e-7
        full.providerLatencyMs = 123456789.5
        full.metricAge = 3
        var sparse = entry(at: 1_800_000_001, action: .hold, outcome: .unchanged, queueDelay: 0)
        sparse.clamps = []
        (sparse.queued, sparse.inFlight, sparse.readyWorkers, sparse.rawDesired, sparse.metricAge) = (nil, nil, nil, nil, nil)
        (sparse.queueDelay, sparse.queueDelayMin, sparse.queueDelayMax, sparse.providerLatencyMs) = (nil, nil, nil, nil)
        for row in [full, sparse] {
            #expect(row.jsonLine() == (try encoded(row)))
        }
    }

    @Test func numbersAreWrittenAsTheEncoderWritesThem() throws {
        for value in [0, 1, -2.5, 0.0123, 6.5, 1e-7, 1.5e300, 123456789.125, 100, 1e16, 0.1 + 0.2] {
            var row = entry(at: 1_800_000_000)
            row.queueDelay = value
            #expect(row.jsonLine() == (try encoded(row)), "\(value)")
        }
    }
}

@Suite struct StoredJSONColumns {
    @Test func clampsAndDriftAreStoredExactlyAsGRDBsEncoderWroteThem() throws {
        let encoder = JournalEntry.databaseJSONEncoder(for: "clamps")
        let clamps = [
            Clamp(kind: .budget, before: 6, after: -2, detail: "spend/hour \"capped\" \\ at\n$4\t\u{01}é"),
            Clamp(kind: .minReplicas, before: 0, after: 1, detail: ""),
        ]
        let drift = [SettingDrift(field: "max_replicas", live: "8/9", wanted: "4"), SettingDrift(field: "idle_timeout", live: "5", wanted: "30")]
        for count in 0...2 {
            #expect(JSONLine.columnText(Array(clamps.prefix(count)), JSONLine.clamp) == String(decoding: try encoder.encode(Array(clamps.prefix(count))), as: UTF8.self))
            #expect(JSONLine.columnText(Array(drift.prefix(count)), JSONLine.drift) == String(decoding: try encoder.encode(Array(drift.prefix(count))), as: UTF8.self))
        }
    }
}

@Suite struct Timestamps {
    @Test func aTimestampIsWhatTheISO8601FormatStyleWrites() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, -1.5, 0.0004, 951_782_400, 1_800_000_000.0015, 1_800_000_000.9999, 4_102_444_799.999, -86_400.25, 253_402_300_799]
        let random = (0..<20_000).map { _ in Double.random(in: -3e9...5e9, using: &generator) }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.text(date) == date.formatted(style), "\(seconds)")
        }
    }
}

@Suite struct ExportedCSVLines {
    @Test func aLineQuotesExactlyTheFieldsThatNeedIt() {
        var row = entry(at: 1_800_000_000.5, outcome: .failed(kind: .unavailable, message: "answered 500, \"internal\"\nretrying"))
        row.id = 7
        row.drift = [SettingDrift(field: "max_replicas", live: "8", wanted: "4")]
        let line = JournalFormatter.csvLine(row)
        #expect(line.contains(#","answered 500, ""internal""\#nretrying","#))
        #expect(line.hasPrefix("7,2027-01-15T08:00:00.500Z,2027-01-15T08:00:00.500Z,1,chat,demo,enforce,v1,fresh,0.25,,,6.5,false,4,2,2,2,5,3,step_limit:5->3,scale_up,"))
        #expect(line.split(separator: ",", omittingEmptySubsequences: false).count >= JournalFormatter.csvColumns.count)
    }
}
