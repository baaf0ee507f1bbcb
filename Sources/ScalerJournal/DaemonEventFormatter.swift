import Foundation

/// The daemon's lifecycle for tools: JSON lines (the detail as an object) or CSV (the detail as
/// its JSON text), with the hashes that chain the events.
public enum DaemonEventFormatter {
    static let csvColumns = ["id", "at", "event", "pid", "version", "config_version", "tick", "reason", "detail", "prev_hash", "hash"]

    public static func render(_ events: [DaemonEvent], csv: Bool) -> String {
        csv ? csvText(events) : jsonLines(events)
    }

    private static func jsonLines(_ events: [DaemonEvent]) -> String {
        events.map { event in
            var object: [String: Any] = [
                "id": event.id ?? 0, "at": JournalFormatter.timestamp(event.at), "event": event.event.rawValue, "pid": event.pid,
                "version": event.version, "config_version": event.configVersion, "reason": event.reason,
                "prev_hash": event.prevHash ?? "", "hash": event.hash ?? "",
            ]
            if let tick = event.tick { object["tick"] = tick }
            object["detail"] = (try? JSONSerialization.jsonObject(with: Data(event.detail.utf8))) ?? event.detail
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }.joined(separator: "\n")
    }

    private static func csvText(_ events: [DaemonEvent]) -> String {
        let rows = events.map { event in
            [
                event.id.map(String.init) ?? "", JournalFormatter.timestamp(event.at), event.event.rawValue, String(event.pid), event.version,
                event.configVersion, event.tick.map { "\($0)" } ?? "", event.reason, event.detail, event.prevHash ?? "", event.hash ?? "",
            ]
        }
        return ([csvColumns] + rows).map { $0.map(JournalFormatter.csvField).joined(separator: ",") }.joined(separator: "\n")
    }
}
