import Foundation
import ScalerCore

/// Parses durations as operators write them: `300s`, `5m`, `1h30m`, `250ms`, `2d`, or bare seconds.
public enum DurationParser {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
    ]

    public static func seconds(from text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let bare = Double(trimmed) { return bare.isFinite ? bare : nil }
        var rest = Substring(trimmed)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let amount = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let suffix = rest.prefix { $0.isLetter }
            guard let unit = units.first(where: { $0.suffix == suffix }) else { return nil }
            rest = rest.dropFirst(suffix.count)
            total += amount * unit.seconds
        }
        return total
    }

    /// The shortest exact spelling, for printing a config back: `90` -> `1m30s`.
    public static func format(_ seconds: Double) -> String {
        DurationText.compact(seconds)
    }
}
