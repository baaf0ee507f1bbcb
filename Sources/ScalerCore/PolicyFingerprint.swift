import Foundation

/// A short, stable identifier of an effective configuration, so that the journal can say which
/// version of a policy made a decision. FNV-1a: stable across runs and platforms, unlike `hashValue`.
public enum PolicyFingerprint {
    public static func of(_ canonicalText: String) -> String {
        let hex = String(FNV1a.hash(canonicalText), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
