import Yams

/// Numbers as a config file writes them, parsed here rather than by Yams: its YAML 1.1 forms
/// (sexagesimal `1:30`, octal `017`, `0x`, `.inf`) are read with unchecked arithmetic that traps on
/// overflow (`1:1:1:1:1:1:1:1:1:1:1:1`), and a config value must never be able to stop the
/// daemon. Plain decimal only; anything else, or anything too large, is simply not a number.
enum ConfigNumber {
    /// A whole number in plain decimal (`12`, `-3`, `+4`); `nil` on anything else or on overflow.
    static func whole(_ text: String) -> Int? {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        // A leading zero is octal in YAML 1.1: ambiguous, so refused.
        guard digits.count == 1 || digits.first != "0" else { return nil }
        return Int(text)
    }

    /// A finite decimal number (`2`, `0.5`, `1e3`); `nil` on anything else.
    static func decimal(_ text: String) -> Double? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            text.utf8.allSatisfy({ Self.numberBytes.contains($0) }),
            let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static let numberBytes = Set("0123456789+-.eE".utf8)

    /// Why a scalar that looks numeric is not taken, when it is one of YAML 1.1's other forms.
    static func hint(for node: Node) -> String {
        guard case .scalar(let scalar) = node else { return "" }
        let text = scalar.string
        if text.contains(":"), text.allSatisfy({ $0.isNumber || $0 == ":" || $0 == "." || $0 == "-" || $0 == "+" }) {
            return " (YAML 1.1 base-60 numbers such as 1:30 are not accepted: write it in decimal)"
        }
        if text.count > 1, text.first == "0", text.allSatisfy(\.isNumber) {
            return " (a leading zero is octal in YAML 1.1: write it without)"
        }
        if text.allSatisfy(\.isNumber), text.count > 18 {
            return " (too large)"
        }
        return ""
    }
}
