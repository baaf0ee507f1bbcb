/// Where in a recurring interval a named thing's periodic work falls: spread by the name, and the
/// same for the same name in every run, so that 10,000 endpoints' periodic writes do not all land
/// in one tick.
public enum Stagger {
    /// A fraction in `0..<1`, from the FNV-1a hash of `name`.
    public static func fraction(of name: String) -> Double {
        Double(FNV1a.hash(name) % 1_000) / 1_000
    }
}
