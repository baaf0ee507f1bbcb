import Foundation

/// A share of requests as operators write it: `1%`, `0.5%` or a fraction below one (`0.01`).
/// A bare `1` or `5` is refused rather than guessed: it could mean a percent or everything.
public enum ShareParser {
    public static func fraction(from text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = ConfigNumber.decimal(String(trimmed.dropLast())), percent > 0, percent < 100 else { return nil }
            return percent / 100
        }
        guard let value = ConfigNumber.decimal(trimmed), value > 0, value < 1 else { return nil }
        return value
    }
}
