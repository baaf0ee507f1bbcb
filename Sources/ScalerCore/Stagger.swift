/// Where in a recurring interval a named thing's periodic work falls: spread by the name, and the
/// same for the same name in every run, so that 10,000 endpoints' periodic writes do not all land
/// in one tick.
public enum Stagger {
    /// A fraction in `0..<1`, from the FNV-1a hash of `name`.
    public static func fraction(of name: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Double(hash % 1_000) / 1_000
    }
}
