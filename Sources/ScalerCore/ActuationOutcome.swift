/// What became of a decision at the provider.
public enum ActuationOutcome: Sendable, Hashable {
    /// The provider already runs the desired count: nothing to push.
    case unchanged
    /// `mode: dry-run`: decided and journalled, never pushed.
    case dryRun
    /// Not attempted, and why (e.g. the provider could not be read first).
    case skipped(String)
    /// Pushed and accepted.
    case applied
    /// Pushed and refused or lost; `kind` is a stable category for filtering.
    case failed(kind: String, message: String)

    public var pushed: Bool {
        switch self {
        case .applied, .failed: return true
        case .unchanged, .dryRun, .skipped: return false
        }
    }

    public var label: String {
        switch self {
        case .unchanged: return "unchanged"
        case .dryRun: return "dry_run"
        case .skipped: return "skipped"
        case .applied: return "ok"
        case .failed: return "error"
        }
    }
}
