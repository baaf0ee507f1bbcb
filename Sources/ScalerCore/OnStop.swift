/// What a graceful stop leaves an endpoint with: a setting, and what the stop record keeps.
public enum OnStop: String, Sendable, Hashable, Codable, CaseIterable {
    /// The last floor scalerd pushed stays.
    case hold
    /// `min_replicas` is pushed as the floor, so that the provider's own scaler carries the
    /// endpoint (a pool is released down to `min_replicas`).
    case release
}
