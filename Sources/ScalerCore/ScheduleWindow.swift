import Foundation

/// A recurring window of wall-clock time in an IANA time zone that raises `min_replicas` and/or
/// lowers `max_replicas` while it is open. Wall-clock times make daylight-saving changes harmless:
/// 09:00 is 09:00 local on both sides of the change.
public struct ScheduleWindow: Sendable, Hashable, Codable {
    public var name: String
    /// ISO weekdays the window opens on, 1 = Monday ... 7 = Sunday.
    public var weekdays: Set<Int>
    /// Minutes after local midnight; an end before the start closes the next day.
    public var startMinute: Int
    public var endMinute: Int
    public var timeZoneIdentifier: String
    public var minReplicas: Int?
    public var maxReplicas: Int?

    public init(
        name: String, weekdays: Set<Int> = Set(1...7), startMinute: Int, endMinute: Int,
        timeZoneIdentifier: String, minReplicas: Int? = nil, maxReplicas: Int? = nil
    ) {
        self.name = name
        self.weekdays = weekdays
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZoneIdentifier = timeZoneIdentifier
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }

    public func isOpen(at date: Date) -> Bool {
        guard let zone = TimeZone(identifier: timeZoneIdentifier) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        // Calendar counts Sunday as 1; ISO counts Monday as 1.
        let today = (weekday + 5) % 7 + 1
        let yesterday = (today + 5) % 7 + 1
        let now = hour * 60 + minute
        if startMinute < endMinute {
            return weekdays.contains(today) && now >= startMinute && now < endMinute
        }
        return (weekdays.contains(today) && now >= startMinute) || (weekdays.contains(yesterday) && now < endMinute)
    }

    var label: String {
        "schedule \(name) (\(Self.clock(startMinute))-\(Self.clock(endMinute)) \(timeZoneIdentifier))"
    }

    public static func clock(_ minutes: Int) -> String {
        String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}

/// The bounds in force at one instant: overlapping windows take the highest minimum and the
/// lowest maximum; where those cross, the maximum wins, so that a schedule never overspends.
struct ScheduledBounds {
    var minimum: (replicas: Int, why: String)?
    var maximum: (replicas: Int, why: String)?

    init(policy: ScalingPolicy, at date: Date) {
        for window in policy.schedules ?? [] where window.isOpen(at: date) {
            if let floor = window.minReplicas, floor > (minimum?.replicas ?? policy.minReplicas) {
                minimum = (floor, "\(window.label) keeps at least \(floor)")
            }
            if let ceiling = window.maxReplicas, ceiling < (maximum?.replicas ?? policy.maxReplicas) {
                maximum = (ceiling, "\(window.label) allows at most \(ceiling)")
            }
        }
        if let floor = minimum, let ceiling = maximum, floor.replicas > ceiling.replicas {
            minimum = (ceiling.replicas, "\(floor.why), but \(ceiling.why)")
        }
    }
}
