import Foundation
import Yams

/// Collects issues while a file is read, so that all of them are reported at once.
final class IssueLog {
    let file: String
    private(set) var issues: [ConfigIssue] = []

    init(file: String) {
        self.file = file
    }

    func report(_ keyPath: String, _ node: Node?, _ message: String) {
        issues.append(ConfigIssue(file: file, keyPath: keyPath, line: node?.mark?.line, message: message))
    }
}

/// A YAML node with its key path. Each typed accessor reports what is wrong and returns `nil`,
/// so that reading goes on and finds the next problem too.
struct ConfigNode {
    let node: Node
    let path: String
    let log: IssueLog

    func child(_ key: String, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, path: path.isEmpty ? key : "\(path).\(key)", log: log)
    }

    func report(_ message: String) {
        log.report(path, node, message)
    }

    func mapping(keys allowed: [String]) -> ConfigMapping? {
        guard case .mapping(let mapping) = node else {
            report("expected a mapping of keys (\(allowed.joined(separator: ", "))), found \(kindName)")
            return nil
        }
        var children: [String: ConfigNode] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                log.report(path, keyNode, "keys must be strings")
                continue
            }
            guard allowed.contains(key) else {
                let hint = NearestName.to(key, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                log.report(path.isEmpty ? key : "\(path).\(key)", keyNode, "unknown key '\(key)'\(hint)")
                continue
            }
            children[key] = child(key, value)
        }
        return ConfigMapping(owner: self, children: children)
    }

    func sequence() -> [ConfigNode]? {
        guard case .sequence(let items) = node else {
            report("expected a list, found \(kindName)")
            return nil
        }
        return items.enumerated().map { index, item in
            ConfigNode(node: item, path: "\(path)[\(index)]", log: log)
        }
    }

    /// YAML's null (`null`, `~`, or nothing after the key).
    var isNull: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.tag == Tag(.null) || (scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string))
    }

    func string() -> String? {
        guard case .scalar(let scalar) = node else {
            report("expected a string, found \(kindName)")
            return nil
        }
        guard !scalar.string.isEmpty else {
            report("must not be empty")
            return nil
        }
        return scalar.string
    }

    func integer(atLeast minimum: Int) -> Int? {
        guard case .scalar(let scalar) = node, let value = ConfigNumber.whole(scalar.string) else {
            report("expected a whole number, found \(kindName)\(ConfigNumber.hint(for: node))")
            return nil
        }
        guard value >= minimum else {
            report("must be \(minimum) or more, got \(value)")
            return nil
        }
        guard Double(value) <= Self.largestNumber else {
            report("must be at most \(Int(Self.largestNumber)), got \(value)")
            return nil
        }
        return value
    }

    /// Past this, a number in a scaling policy is a typo, and would overflow whole-number fields.
    static let largestNumber = 1_000_000.0
    /// A year: no duration in scalerd's config means more.
    static let longestDuration = 365 * 86_400.0

    func number(greaterThan minimum: Double) -> Double? {
        guard case .scalar(let scalar) = node, let value = ConfigNumber.decimal(scalar.string) else {
            report("expected a number, found \(kindName)\(ConfigNumber.hint(for: node))")
            return nil
        }
        guard value > minimum else {
            report("must be greater than \(LoadFormat.number(minimum)), got \(LoadFormat.number(value))")
            return nil
        }
        guard value <= Self.largestNumber else {
            report("must be at most \(LoadFormat.number(Self.largestNumber)), got \(LoadFormat.number(value))")
            return nil
        }
        return value
    }

    /// A share, from `1%` or `0.01`, within `range`.
    func share(within range: ClosedRange<Double>) -> Double? {
        guard case .scalar(let scalar) = node, let value = ShareParser.fraction(from: scalar.string) else {
            report("expected a share such as 1% or 0.01, found \(kindName)")
            return nil
        }
        guard range.contains(value) else {
            report("must be between \(LoadFormat.number(range.lowerBound * 100))% and \(LoadFormat.number(range.upperBound * 100))%, got \(scalar.string)")
            return nil
        }
        return value
    }

    /// Seconds, from `300s`, `5m`, `1h30m` or a bare number.
    func duration(allowZero: Bool) -> Double? {
        guard case .scalar(let scalar) = node, let seconds = DurationParser.seconds(from: scalar.string) else {
            report("expected a duration such as 30s, 5m or 1h30m, found \(kindName)")
            return nil
        }
        guard seconds >= 0 else {
            report("must not be negative, got \(scalar.string)")
            return nil
        }
        guard allowZero || seconds > 0 else {
            report("must be greater than zero")
            return nil
        }
        guard seconds <= Self.longestDuration else {
            report("must be at most 365 days, got \(scalar.string)")
            return nil
        }
        return seconds
    }

    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> T? where T.RawValue == String {
        choice(among: T.allCases.map(\.rawValue)).flatMap(T.init(rawValue:))
    }

    /// One of `names`, or a report naming the nearest and every valid one.
    func choice(among names: [String]) -> String? {
        guard let text = string() else { return nil }
        if names.contains(text) { return text }
        let hint = NearestName.to(text, among: names).map { "did you mean '\($0)'? " } ?? ""
        report("unknown value '\(text)'; \(hint)valid: \(names.joined(separator: ", "))")
        return nil
    }

    private var kindName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar): return scalar.string.isEmpty ? "nothing" : "'\(scalar.string)'"
        }
    }
}

/// The known keys of one mapping, each already checked against the allowed names.
struct ConfigMapping {
    let owner: ConfigNode
    let children: [String: ConfigNode]

    subscript(_ key: String) -> ConfigNode? {
        children[key]
    }

    func required(_ key: String) -> ConfigNode? {
        if let child = children[key] { return child }
        owner.log.report(owner.path.isEmpty ? key : "\(owner.path).\(key)", owner.node, "missing required key '\(key)'")
        return nil
    }
}

enum LoadFormat {
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
