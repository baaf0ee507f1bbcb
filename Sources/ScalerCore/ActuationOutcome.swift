/// What became of a decision at the provider.
public enum ActuationOutcome: Sendable, Hashable {
    /// The provider already runs the desired count: nothing to push.
    case unchanged
    /// `mode: dry-run`: decided and journalled, never pushed.
    case dryRun
    /// Not attempted, and why: an operator's pause (no `kind`), or a provider that could not be
    /// read or asked to be left alone for a while (its failure's `kind`).
    case skipped(String, kind: FailureKind? = nil)
    /// Pushed and accepted.
    case applied
    /// Pushed and refused or lost.
    case failed(kind: FailureKind, message: String)
    /// High availability: another instance leads (or this one may not act now), so this one
    /// decided and journalled without pushing, and says why.
    case standby(String)

    public var pushed: Bool {
        switch self {
        case .applied, .failed: return true
        case .unchanged, .dryRun, .skipped, .standby: return false
        }
    }

    public var label: OutcomeLabel {
        switch self {
        case .unchanged: return .unchanged
        case .dryRun: return .dryRun
        case .skipped: return .skipped
        case .applied: return .ok
        case .failed: return .error
        case .standby: return .standby
        }
    }

    /// The category of what went wrong, if anything did.
    public var failureKind: FailureKind? {
        switch self {
        case .failed(let kind, _): return kind
        case .skipped(_, let kind): return kind
        case .unchanged, .dryRun, .applied, .standby: return nil
        }
    }
}

/// An outcome as the journal records it.
public enum OutcomeLabel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Pushed and accepted.
    case ok
    case unchanged
    case dryRun = "dry_run"
    case skipped
    case error
    /// Decided by an instance that did not lead (`ha:`): never pushed.
    case standby
}
