/// How much of the endpoint scalerd's decision fixes on the provider.
public enum ControlMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The decision is the floor (min); the provider's own scaler, set to scalerd's target and
    /// per-worker idle timeout, adds workers above it between ticks and releases them when idle.
    case floor
    /// The decision is the fleet (min = max): the provider's scaler has no room of its own.
    case exact
}
