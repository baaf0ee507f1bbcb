import Foundation

/// A short, stable identifier of an effective configuration, so that the journal can say which
/// version of a policy made a decision. FNV-1a: stable across runs and platforms, unlike `hashValue`.
public enum PolicyFingerprint {
    public static func of(_ canonicalText: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonicalText.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
