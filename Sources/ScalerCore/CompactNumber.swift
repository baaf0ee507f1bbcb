import Foundation

/// Numbers as people read them in reasons and reports: `4`, `2.50`.
public enum CompactNumber {
    public static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }
}
