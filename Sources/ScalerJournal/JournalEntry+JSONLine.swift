import Foundation
import ScalerCore

extension JournalEntry {
    /// The row as `journal export` writes it: the same text `JournalFormatter.jsonEncoder()`
    /// gives (sorted snake_case keys, ISO 8601 times, absent values left out), written directly,
    /// since Foundation's encoder with its key conversion was 70% of an export's time.
    public func jsonLine() -> String {
        var json = JSONLine()
        json.string("action", action.rawValue)
        json.string("at", JournalFormatter.timestamp(at))
        json.array("clamps", clamps, JSONLine.clamp)
        json.number("current_replicas", currentReplicas)
        json.number("desired", desired)
        json.array("drift", drift, JSONLine.drift)
        json.string("endpoint", endpoint)
        json.number("epoch", epoch)
        json.string("error_kind", errorKind?.rawValue)
        json.string("error_message", errorMessage)
        json.string("extension_hash", extensionHash)
        json.string("hash", hash)
        json.number("id", id)
        json.number("in_flight", inFlight)
        json.number("in_flight_max", inFlightMax)
        json.number("in_flight_min", inFlightMin)
        json.string("last_at", JournalFormatter.timestamp(lastAt))
        json.number("metric_age", metricAge)
        json.string("metric_error", metricError)
        json.string("metric_error_kind", metricErrorKind?.rawValue)
        json.string("metric_status", metricStatus.rawValue)
        json.string("mode", mode)
        json.string("outcome", outcome.rawValue)
        json.string("policy_version", policyVersion)
        json.string("prev_hash", prevHash)
        json.string("provider", provider)
        json.number("provider_latency_ms", providerLatencyMs)
        json.raw("pushed", pushed ? "true" : "false")
        json.number("queue_delay", queueDelay)
        json.raw("queue_delay_estimated", queueDelayEstimated ? "true" : "false")
        json.number("queue_delay_max", queueDelayMax)
        json.number("queue_delay_min", queueDelayMin)
        json.number("queued", queued)
        json.number("queued_max", queuedMax)
        json.number("queued_min", queuedMin)
        json.number("raw_desired", rawDesired)
        json.number("ready_workers", readyWorkers)
        json.string("reason", reason)
        json.number("repeats", repeats)
        return json.text
    }
}

/// One JSON object, keys added in the order written (the caller sorts them), built as bytes.
struct JSONLine {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    /// Whether the object being written has a member already.
    private var needsComma = false
    /// Foundation's encoder writes `/` as `\/` unless told `.withoutEscapingSlashes`, as the
    /// export's is; the journal's own columns were written with the default.
    private var escapesSlashes = false

    /// A clamp as both the export and the `clamps` column write it (keys sorted).
    static func clamp(_ clamp: Clamp, _ object: inout JSONLine) {
        object.number("after", clamp.after)
        object.number("before", clamp.before)
        object.string("detail", clamp.detail)
        object.string("kind", clamp.kind.rawValue)
    }

    static func drift(_ drift: SettingDrift, _ object: inout JSONLine) {
        object.string("field", drift.field)
        object.string("live", drift.live)
        object.string("wanted", drift.wanted)
    }

    /// `items` as a JSON array of objects on its own, as GRDB's encoder wrote the `clamps` and
    /// `drift` columns (sorted keys, `/` escaped): Foundation's encoder was a third of a new
    /// row's cost.
    static func columnText<T>(_ items: [T], _ object: (T, inout JSONLine) -> Void) -> String {
        if items.isEmpty { return "[]" }
        var json = JSONLine()
        json.bytes = []
        json.escapesSlashes = true
        json.appendArray(items, object)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    var text: String {
        var closed = bytes
        closed.append(UInt8(ascii: "}"))
        return String(decoding: closed, as: UTF8.self)
    }

    private mutating func key(_ key: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func raw(_ key: StaticString, _ value: String) {
        self.key(key)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func string(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        Self.appendQuoted(value, to: &bytes, escapingSlashes: escapesSlashes)
    }

    mutating func number<T: BinaryInteger>(_ key: StaticString, _ value: T?) {
        guard let value else { return }
        raw(key, String(value))
    }

    mutating func number(_ key: StaticString, _ value: Double?) {
        guard let value else { return }
        raw(key, Self.number(value))
    }

    /// An array of objects, each written by `object` into the same bytes.
    mutating func array<T>(_ key: StaticString, _ items: [T], _ object: (T, inout JSONLine) -> Void) {
        self.key(key)
        appendArray(items, object)
    }

    private mutating func appendArray<T>(_ items: [T], _ object: (T, inout JSONLine) -> Void) {
        bytes.append(UInt8(ascii: "["))
        let outer = needsComma
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "{"))
            needsComma = false
            object(item, &self)
            bytes.append(UInt8(ascii: "}"))
        }
        needsComma = outer
        bytes.append(UInt8(ascii: "]"))
    }

    /// As Foundation's encoder writes a Double: its shortest description, without a trailing `.0`.
    static func number(_ value: Double) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A JSON string as Foundation's encoder writes it with `.withoutEscapingSlashes`.
    static func appendQuoted(_ value: String, to bytes: inout [UInt8], escapingSlashes: Bool = false) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escape: copied whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || (escapingSlashes && $0 == UInt8(ascii: "/")) }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "/") where escapingSlashes: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case ..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(contentsOf: HashChain.hex(byte))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
