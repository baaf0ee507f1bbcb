import Foundation

/// Numbers as people read them in reasons and reports: `4`, `2.50`.
public enum CompactNumber {
    public static func text(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        // Digits by integer arithmetic: `String(format:)` is a C varargs call and a locale lookup,
        // a few percent of a busy tick at thousands of endpoints.
        guard value.isFinite, abs(value) < 1e13 else { return String(format: "%.2f", value) }
        let hundredths = Int((abs(value) * 100).rounded(.toNearestOrEven))
        let fraction = hundredths % 100
        return (value < 0 && hundredths > 0 ? "-" : "") + String(hundredths / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }
}
