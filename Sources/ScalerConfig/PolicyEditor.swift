import Foundation
import ScalerCore
import Yams

/// Writes the knobs `scalerd tune` turns (or its SLO policy, which sets them itself) into one endpoint's `policy:` block of a config file,
/// leaving every other key as it was. The file is re-emitted from its YAML tree, which keeps no
/// comments; the edited copy is checked by the same loader as any config before anyone sees it.
public enum PolicyEditor {
    public struct Edited: Sendable {
        /// The endpoint's whole `policy:` block, to paste.
        public var policyBlock: String
        /// The whole file with the block in place.
        public var file: String
    }

    public struct EditError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func applying(_ policy: ScalingPolicy, toEndpoint name: String, in text: String, file: String) throws -> Edited {
        guard var root = try? Yams.compose(yaml: text), var top = root.mapping,
              var endpoints = top["endpoints"]?.sequence,
              let index = endpoints.firstIndex(where: { $0["name"]?.string == name }),
              var endpoint = endpoints[index].mapping, var block = endpoint["policy"]?.mapping else {
            throw EditError(description: "\(file): cannot find endpoint '\(name)' and its policy: block to edit")
        }
        block["value"] = scalar(number(policy.value))
        block["min_replicas"] = scalar(String(policy.minReplicas))
        block["control"] = scalar(policy.control.rawValue)
        var scaleDown = block["scale_down"]?.mapping ?? Node.Mapping([])
        if policy.slo == nil {
            // A setting of the knobs: the objective that would override them goes.
            block["slo"] = nil
            block["idle_timeout"] = scalar(DurationText.compact(policy.idleTimeout))
            scaleDown["stabilization"] = scalar(DurationText.compact(policy.scaleDown.stabilization))
        } else {
            // The SLO chooses release timing itself and refuses these beside it.
            block["idle_timeout"] = nil
            scaleDown["stabilization"] = nil
        }
        block["scale_down"] = scaleDown.isEmpty ? nil : .mapping(scaleDown)
        if policy.lookAhead == nil {
            block["look_ahead"] = nil
        } else if block["look_ahead"] == nil {
            block["look_ahead"] = .mapping(Node.Mapping([]))
        }
        if policy.adaptiveIdle == nil { block["adaptive_idle_timeout"] = nil }
        if let replicas = policy.fallback?.replicas, var fallback = block["fallback"]?.mapping {
            fallback["replicas"] = scalar(String(replicas))
            block["fallback"] = .mapping(fallback)
        }
        endpoint["policy"] = .mapping(block)
        endpoints[index] = .mapping(endpoint)
        top["endpoints"] = .sequence(endpoints)
        root = .mapping(top)
        let policyNode = Node.mapping(Node.Mapping([(Node("policy"), .mapping(block))]))
        return Edited(policyBlock: try Yams.serialize(node: policyNode), file: try Yams.serialize(node: root))
    }

    private static func scalar(_ text: String) -> Node {
        Node(text, Tag(.implicit))
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
