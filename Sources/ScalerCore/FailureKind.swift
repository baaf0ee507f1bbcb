/// Why a call to a provider or a metric source failed, as a stable category: the journal, the
/// logs and the metrics all name failures by these, so that they can be counted and filtered.
public enum FailureKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Missing, wrong or insufficient API key (401/403, GPUGeek 10001/10002).
    case unauthorized
    case notFound = "not_found"
    /// The provider refused the request as invalid; the message is the provider's.
    case rejected
    /// The provider said to wait (429, `Retry-After`), or scalerd is still waiting as it was told.
    case rateLimited = "rate_limited"
    /// 5xx or an equivalent: the provider is down or overloaded.
    case unavailable
    case timeout
    /// No connection, or it broke.
    case network
    /// An answer scalerd cannot read: wrong types, missing fields, too large or too deep.
    case malformed
    /// The provider accepted an operation and then reported it failed (GPUGeek 10135, op status 3).
    case operationFailed = "operation_failed"
    case cancelled
    /// A metric source that has nothing to say (a push gateway silent past its ttl, a provider
    /// that reports no metrics for the endpoint).
    case noSample = "no_sample"
    /// scalerd's own journal could not be written: nothing was acted on without a record.
    case journalUnavailable = "journal_unavailable"
    /// A shared journal refused rows of a term this instance led, since a later term's leader
    /// had written first: pushes among those evaluations may have been made and are not in the
    /// record (a push comes before its row).
    case termLost = "term_lost"

    /// The kinds of gap row: evaluations that stand in the journal as a count, not as rows.
    public var marksAGap: Bool { self == .journalUnavailable || self == .termLost }
}
