import Foundation
import ScalerCore

/// Reads `policy.schedules`: windows of local time, in an IANA zone, that move the bounds.
struct ScheduleReader {
    let node: ConfigNode
    let minReplicas: Int?
    let maxReplicas: Int?

    private static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// `nil` when anything in the list is invalid (each issue is logged).
    func read() -> [ScheduleWindow]? {
        guard let items = node.sequence() else { return nil }
        let windows = items.map(readWindow)
        guard windows.allSatisfy({ $0 != nil }) else { return nil }
        return windows.compactMap { $0 }
    }

    private func readWindow(_ item: ConfigNode) -> ScheduleWindow? {
        guard let mapping = item.mapping(keys: ["name", "days", "start", "end", "time_zone", "min_replicas", "max_replicas"]) else { return nil }
        let name = mapping.required("name")?.string()
        let weekdays = mapping["days"].map(readDays) ?? Set(1...7)
        let start = mapping.required("start").flatMap(readClock)
        let end = mapping.required("end").flatMap(readClock)
        let zoneNode = mapping.required("time_zone")
        let zone = zoneNode?.string()
        if let zone, let zoneNode, TimeZone(identifier: zone) == nil {
            zoneNode.report("unknown time zone '\(zone)': use an IANA name such as Asia/Shanghai or Europe/Berlin")
            return nil
        }
        let floorNode = mapping["min_replicas"], ceilingNode = mapping["max_replicas"]
        let floor = floorNode.map { $0.integer(atLeast: 0) }
        let ceiling = ceilingNode.map { $0.integer(atLeast: 0) }
        if floorNode == nil && ceilingNode == nil {
            item.report("a schedule sets min_replicas, max_replicas or both")
            return nil
        }
        if let floor = floor ?? nil, let maxReplicas, let floorNode, floor > maxReplicas {
            floorNode.report("min_replicas \(floor) is above the policy's max_replicas \(maxReplicas)")
            return nil
        }
        if let ceiling = ceiling ?? nil, let minReplicas, let ceilingNode, ceiling < minReplicas {
            ceilingNode.report("max_replicas \(ceiling) is below the policy's min_replicas \(minReplicas)")
            return nil
        }
        if let start, let end, start == end, let node = mapping["end"] {
            node.report("end equals start: the window would never open")
            return nil
        }
        guard let name, let weekdays, let start, let end, let zone, floor != .some(nil), ceiling != .some(nil) else { return nil }
        return ScheduleWindow(name: name, weekdays: weekdays, startMinute: start, endMinute: end, timeZoneIdentifier: zone,
                              minReplicas: floor ?? nil, maxReplicas: ceiling ?? nil)
    }

    private func readDays(_ node: ConfigNode) -> Set<Int>? {
        guard let items = node.sequence() else { return nil }
        var days = Set<Int>()
        for item in items {
            guard let text = item.string() else { return nil }
            guard let index = Self.days.firstIndex(of: text.lowercased()) else {
                item.report("unknown day '\(text)': use mon, tue, wed, thu, fri, sat, sun")
                return nil
            }
            days.insert(index + 1)
        }
        if days.isEmpty { node.report("days is empty: the window would never open") }
        return days.isEmpty ? nil : days
    }

    /// `HH:MM`, 00:00 to 24:00.
    private func readClock(_ node: ConfigNode) -> Int? {
        guard let text = node.string() else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1_440 else {
            node.report("'\(text)' is not a time of day HH:MM (00:00 to 24:00)")
            return nil
        }
        return hour * 60 + minute
    }
}
