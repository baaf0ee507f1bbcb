/// Where instances that share the work agree who leads: one row per lease, changed only in the
/// store's own time, so that no instance's clock decides when a lease has run out.
public protocol LeaseStore: Sendable {
    /// Makes what the store needs (a table) if it is missing; safe to call again, and by several
    /// instances at once.
    func prepare() async throws

    /// Takes the lease `name` for `holder` if it is free or has run out (a new epoch), or renews
    /// it if `holder` still holds `epoch` and it has not run out (the same epoch), for `duration`
    /// from the store's now. Otherwise answers who holds it.
    func claim(_ name: String, holder: String, epoch: Int64?, for duration: Duration) async throws -> LeaseAnswer

    /// Ends the lease at once if `holder` still holds `epoch`, so that a planned stop hands over
    /// without waiting for the lease to run out.
    func release(_ name: String, holder: String, epoch: Int64) async throws

    /// Lets go of the connection at a stop.
    func close() async
}
