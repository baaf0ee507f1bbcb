import Foundation
import ScalerHTTP
import ScalerSimulation

/// Inputs that have crashed or misled parsers: numbers past every bound, YAML 1.1's other number
/// forms, the wrong types, and seeded random mixtures of them, for the fuzz tests.
public enum Hostile {
    /// `base` rounds, times `SCALERD_FUZZ_SCALE` when set: the suite runs a bounded fuzz, and a
    /// longer one is a variable away (`SCALERD_FUZZ_SCALE=50 swift test --filter Hostile`).
    public static func rounds(_ base: Int) -> Int {
        base * max(1, Int(ProcessInfo.processInfo.environment["SCALERD_FUZZ_SCALE"] ?? "") ?? 1)
    }

    public static let yamlScalars = [
        "1:1:1:1:1:1:1:1:1:1:1:1", "9223372036854775807:0", "-9223372036854775807:59", "1:30", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "99999999999999999999999", "1e309", "-1e309", ".inf", "-.inf", ".nan",
        "NaN", "0x7fffffffffffffffff", "0o777777777777777777777777", "0b" + String(repeating: "1", count: 80), "007", "1_000",
        "-7", "0", "-0", "+5", "1e3", "0.5", "3.0", "1.7976931348623157e308", "4.9e-324", "~", "null", "true", "[]", "{}",
        "[[[[[[[[]]]]]]]]", "!!binary aGVsbG8=", "'9223372036854775807:0'", "\"1:1:1:1:1:1:1:1\"", "2026-11-30", "5m5m5m5m5m",
        "1e400s", "9999999999999999999999h", String(repeating: "9", count: 400),
    ]

    public static let jsonLeaves: [JSON] = [
        .integer(Int64.max), .integer(Int64.min), .integer(-7), .integer(0), .integer(3), .integer(1_000_001), .number(1e308),
        .number(-1e308), .number(0.5), .number(2.999999999999), .string("9223372036854775808"), .string("-7"), .string("1e400"),
        .string("12"), .string(""), .null, .bool(true), .array([]), .object([:]),
    ]

    /// A random JSON value shaped like `template` (same keys, nested alike), each leaf replaced
    /// with probability `rate` by a hostile one; keys dropped or added at random too.
    public static func mutate(_ template: JSON, rate: Double = 0.3, using rng: inout SplitMix64) -> JSON {
        switch template {
        case .object(let fields):
            var result: [String: JSON] = [:]
            for (key, value) in fields where rng.unit() > rate / 4 {
                result[key] = mutate(value, rate: rate, using: &rng)
            }
            if rng.unit() < rate / 4 { result["unexpected"] = pick(jsonLeaves, using: &rng) }
            return .object(result)
        case .array(let items):
            let kept = items.filter { _ in rng.unit() > rate / 4 }
            let extra = rng.unit() < rate / 4 ? [pick(jsonLeaves, using: &rng)] : []
            return .array(kept.map { mutate($0, rate: rate, using: &rng) } + extra)
        default:
            return rng.unit() < rate ? pick(jsonLeaves, using: &rng) : template
        }
    }

    public static func pick<T>(_ choices: [T], using rng: inout SplitMix64) -> T {
        choices[Int(rng.next() % UInt64(choices.count))]
    }
}
