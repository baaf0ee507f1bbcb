import ScalerHTTP
import ScalerPorts

/// A count a provider reports (replicas, workers): a whole number from 0 up, or the answer is
/// unusable. A negative or absurd count must never reach a decision or be sent back.
enum Count {
    /// More than any provider runs for one endpoint; past it, the answer is nonsense.
    static let absurd = 1_000_000

    static func read(_ value: JSON?, _ field: String, context: String) throws(ProviderError) -> Int {
        guard let value, let count = value.int else {
            throw ProviderError(.malformed, "\(context): \(field) must be a whole number, got \(describe(value))")
        }
        guard (0...absurd).contains(count) else {
            throw ProviderError(.malformed, "\(context): \(field) is \(count), outside 0...\(absurd)")
        }
        return count
    }

    static func describe(_ value: JSON?) -> String {
        switch value {
        case nil, .null?: return "nothing"
        case .string(let text)?: return "'\(text.prefix(40))'"
        case .integer(let number)?: return "\(number)"
        case .number(let number)?: return "\(number)"
        case .bool(let flag)?: return "\(flag)"
        case .array?: return "a list"
        case .object?: return "an object"
        }
    }
}
