import Foundation
import ScalerCore

/// Renders journal rows for people (table) and for tools (JSON, CSV).
public enum JournalFormat: String, Sendable, CaseIterable {
    case table, json, csv
    /// One JSON object per line, for log pipelines and `jq`.
    case jsonl
}

public enum JournalFormatter {
    public static func render(_ entries: [JournalEntry], as format: JournalFormat) -> String {
        render(entries.map(TimelineLine.decision), as: format)
    }

    /// A timeline: the table shows the daemon's starts, stops and uncontrolled stretches between
    /// the decisions; the formats for tools keep to decisions (`journal export --events` gives
    /// the lifecycle).
    public static func render(_ lines: [TimelineLine], as format: JournalFormat) -> String {
        let entries = lines.compactMap { line -> JournalEntry? in
            if case .decision(let entry) = line { return entry } else { return nil }
        }
        switch format {
        case .table: return table(lines)
        case .json: return json(entries)
        case .csv: return csv(entries)
        case .jsonl: return jsonLines(entries)
        }
    }

    public static func timestamp(_ date: Date) -> String {
        Timestamp.text(date)
    }

    private static func table(_ lines: [TimelineLine]) -> String {
        let header = ["ID", "TIME", "ENDPOINT", "ACTION", "REPLICAS", "RAW", "QDELAY", "QUEUED", "INFLIGHT", "METRICS", "OUTCOME", "RUN", "REASON"]
        let rows = lines.map { line in
            if case .decision(let entry) = line { return tableRow(entry) }
            let (label, text) = line.lifecycleText ?? ("", "")
            // Every endpoint is concerned: the ENDPOINT column says so.
            return ["-", timestamp(line.at), "*", label] + Array(repeating: "", count: header.count - 5) + [text]
        }
        let all = [header] + rows
        // The reason is last and left unpadded: it is long and varies.
        let widths = (0..<(header.count - 1)).map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index < widths.count ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func tableRow(_ entry: JournalEntry) -> [String] {
        var delay = range(entry.queueDelayMin ?? entry.queueDelay, entry.queueDelayMax ?? entry.queueDelay) { String(format: "%.1f", $0) }
        if delay != "-" { delay += entry.queueDelayEstimated ? "s~" : "s" }
        let replicas = entry.currentReplicas == entry.desired ? "\(entry.desired)" : "\(entry.currentReplicas)->\(entry.desired)"
        let run = entry.repeats > 1 ? "x\(entry.repeats) to \(clockTime(entry.lastAt))" : ""
        let identity: [String] = [optional(entry.id, "-"), timestamp(entry.at), entry.endpoint, entry.action.rawValue]
        let inputs: [String] = [
            replicas, optional(entry.rawDesired, "-"), delay,
            range(entry.queuedMin ?? entry.queued, entry.queuedMax ?? entry.queued) { "\($0)" },
            range(entry.inFlightMin ?? entry.inFlight, entry.inFlightMax ?? entry.inFlight) { "\($0)" },
            entry.metricStatus.rawValue,
        ]
        let drift = entry.drift.isEmpty ? "" : " [drift: \(entry.drift.map(\.description).joined(separator: "; "))]"
        return identity + inputs + [outcomeText(entry), run, entry.reason + drift]
    }

    /// `3`, or `2-5` when a run of holds saw a range.
    private static func range<T: Equatable>(_ low: T?, _ high: T?, _ format: (T) -> String) -> String {
        guard let low, let high else { return "-" }
        return low == high ? format(low) : "\(format(low))-\(format(high))"
    }

    private static func clockTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false).time(includingFractionalSeconds: false))
    }

    private static func outcomeText(_ entry: JournalEntry) -> String {
        if let kind = entry.errorKind { return "\(entry.outcome.rawValue):\(kind.rawValue)" }
        return entry.outcome.rawValue
    }

    /// The encoder every JSON view of the journal uses: snake_case keys, ISO 8601 times.
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    private static func json(_ entries: [JournalEntry]) -> String {
        let data = (try? jsonEncoder().encode(entries)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func jsonLines(_ entries: [JournalEntry]) -> String {
        let writer = LineWriter(format: .jsonl)
        return entries.map(writer.line).joined(separator: "\n")
    }

    /// One row per line, for exports that stream: JSON lines, or CSV after `header`.
    public struct LineWriter {
        public let format: JournalFormat

        /// `format` is `.jsonl` or `.csv`.
        public init(format: JournalFormat) {
            self.format = format
        }

        /// The line before the rows, if the format has one.
        public var header: String? {
            format == .csv ? csvColumns.map(csvField).joined(separator: ",") : nil
        }

        public func line(_ entry: JournalEntry) -> String {
            format == .csv ? csvLine(entry) : entry.jsonLine()
        }
    }

    static let csvColumns = [
        "id", "at", "last_at", "repeats", "endpoint", "provider", "mode", "policy_version", "metric_status", "metric_age", "metric_error",
        "metric_error_kind", "queue_delay", "queue_delay_estimated", "queued", "in_flight", "ready_workers", "current_replicas",
        "raw_desired", "desired", "clamps", "action", "reason", "drift", "pushed", "outcome", "error_kind", "error_message",
        "provider_latency_ms", "queue_delay_min", "queue_delay_max", "queued_min", "queued_max", "in_flight_min",
        "in_flight_max", "epoch", "prev_hash", "hash", "extension_hash",
    ]

    private static func csv(_ entries: [JournalEntry]) -> String {
        let writer = LineWriter(format: .csv)
        return ([writer.header ?? ""] + entries.map(writer.line)).joined(separator: "\n")
    }

    private static func csvRow(_ entry: JournalEntry) -> [String] {
        let clamps = entry.clamps.map { "\($0.kind.rawValue):\($0.before)->\($0.after)" }.joined(separator: " ")
        let identity: [String] = [
            optional(entry.id), timestamp(entry.at), timestamp(entry.lastAt), String(entry.repeats), entry.endpoint,
            entry.provider, entry.mode, entry.policyVersion,
        ]
        let metrics: [String] = [
            entry.metricStatus.rawValue, optional(entry.metricAge), entry.metricError ?? "", entry.metricErrorKind?.rawValue ?? "", optional(entry.queueDelay),
            String(entry.queueDelayEstimated), optional(entry.queued), optional(entry.inFlight), optional(entry.readyWorkers),
        ]
        let decision: [String] = [
            String(entry.currentReplicas), optional(entry.rawDesired), String(entry.desired), clamps, entry.action.rawValue, entry.reason,
            entry.drift.map(\.description).joined(separator: "; "),
        ]
        let outcome: [String] = [
            String(entry.pushed), entry.outcome.rawValue, entry.errorKind?.rawValue ?? "", entry.errorMessage ?? "", optional(entry.providerLatencyMs),
        ]
        let ranges: [String] = [
            optional(entry.queueDelayMin), optional(entry.queueDelayMax), optional(entry.queuedMin),
            optional(entry.queuedMax), optional(entry.inFlightMin), optional(entry.inFlightMax),
        ]
        return identity + metrics + decision + outcome + ranges + [optional(entry.epoch), entry.prevHash ?? "", entry.hash ?? "", entry.extensionHash ?? ""]
    }

    private static func optional<T>(_ value: T?, _ missing: String = "") -> String {
        value.map { "\($0)" } ?? missing
    }

    private static func optional(_ value: Double?) -> String {
        value?.description ?? ""
    }

    private static func optional(_ value: Int?) -> String {
        value.map { String($0) } ?? ""
    }

    /// One CSV row, its fields quoted where they must be, built as bytes.
    static func csvLine(_ entry: JournalEntry) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        for (index, field) in csvRow(entry).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            let utf8 = field.utf8
            guard utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
                bytes.append(contentsOf: utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in utf8 {
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
