import ScalerCore

extension ManagedSettings {
    /// Everything scalerd wants an endpoint to be, before the provider's ranges: the decided
    /// replicas as the floor, the ceiling as the maximum, the provider's own scaler set to
    /// scalerd's target, and its per-worker idle timeout.
    public static func wanted(replicas: Int, ceiling: Int, policy: ScalingPolicy) -> ManagedSettings {
        let scaler: ProviderScaler = policy.type == .queue ? .queueDelay(policy.value) : .requestCount(Int(policy.value.rounded(.up)))
        return ManagedSettings(
            minReplicas: replicas, maxReplicas: ceiling,
            idleTimeout: Int((policy.providerIdleTimeout ?? policy.idleTimeout).rounded()), scaler: scaler,
            stoppedMembers: 0
        )
    }
}
