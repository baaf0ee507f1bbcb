import Crypto
import Foundation
import GRDB
import ScalerCore
import ScalerJournal
import Testing

/// The hashes as docs/journal.md defines them, recomputed here from the stored columns with
/// nothing of the journal's own code: an auditor's script can check a journal the same way, and
/// a change to how scalerd computes them that moved a single byte fails here.
@Suite(.postgres) struct DocumentedHashFormat {
    private static let recordedColumns = [
        "at", "endpoint", "provider", "mode", "policy_version", "metric_status", "metric_age", "metric_error",
        "queue_delay", "queue_delay_estimated", "queued", "in_flight", "ready_workers", "current_replicas",
        "raw_desired", "desired", "clamps", "action", "reason", "drift", "pushed", "outcome", "error_kind",
        "error_message", "provider_latency_ms",
    ]
    private static let extensionColumns = [
        "last_at", "repeats", "queue_delay_min", "queue_delay_max", "queued_min", "queued_max", "in_flight_min", "in_flight_max",
    ]

    private static func canonical(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "null"
        case .int64(let integer): "number:\(integer)"
        case .double(let double) where double.rounded() == double && abs(double) < 9e15: "number:\(Int64(double))"
        case .double(let double): "number:\(double)"
        case .string(let text): "text:\(text.utf8.count):\(text)"
        case .blob(let data): "blob:\(data.base64EncodedString())"
        }
    }

    private static func sha256(_ lines: [String]) -> String {
        SHA256.hash(data: Data(lines.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test(arguments: JournalBackend.allCases)
    func everyStoredHashIsTheSHA256OfTheLinkAndEachValuesCanonicalTextOnePerLine(_ backend: JournalBackend) async throws {
        try await withJournal(backend) { journal in
            // Whole and fractional reals, a multi-byte reason, a metric failure's kind (an optional
            // column) and a hold run whose extension has ranges.
            var failing = entry(at: 1_800_000_000.25, desired: 4)
            failing.metricErrorKind = .timeout
            failing.metricError = "no answer in 2 s"
            failing.reason = "scale up 2 -> 4: queue délai 6.5 s"
            try await journal.store.append(failing)
            try await journal.store.append(entry(at: 1_800_000_010, desired: 2, action: .hold, queueDelay: 1))
            try await journal.store.append([entry(at: 1_800_000_020, desired: 2, action: .hold, queueDelay: 3.75)], states: [], completingHoldRuns: true)
            var led = entry(at: 1_800_000_030, desired: 5)
            led.epoch = 12
            try await journal.store.append(led)

            let rows = try await journal.rawRows("SELECT * FROM decision ORDER BY id")
            #expect(rows.count == 3)
            var previous = String(repeating: "0", count: 64)
            for row in rows {
                var lines = [previous] + Self.recordedColumns.map { Self.canonical(row[$0]) }
                let kind: DatabaseValue = row["metric_error_kind"]
                if !kind.isNull { lines.append("metric_error_kind=\(Self.canonical(kind))") }
                let epoch: DatabaseValue = row["epoch"]
                if !epoch.isNull { lines.append("epoch=\(Self.canonical(epoch))") }
                let hash = Self.sha256(lines)
                #expect(row["prev_hash"] == previous)
                #expect(row["hash"] == hash)
                #expect(row["extension_hash"] == Self.sha256([hash] + Self.extensionColumns.map { Self.canonical(row[$0]) }))
                previous = hash
            }
            #expect((rows[1]["repeats"] as Int?) == 2)
            #expect((rows[2]["epoch"] as Int64?) == 12)
        }
    }
}
