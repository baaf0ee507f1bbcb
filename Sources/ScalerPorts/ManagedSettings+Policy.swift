import ScalerCore

extension ManagedSettings {
    /// Everything scalerd wants an endpoint to be, before the provider's ranges: the decided
    /// replicas as the floor, the provider's own scaler set to scalerd's target, and its
    /// per-worker idle timeout. The maximum is the ceiling under `control: floor`, and the
    /// decided replicas themselves under `control: exact`, or when `control` says so (a
    /// hand-back always returns the room above the floor).
    public static func wanted(replicas: Int, ceiling: Int, policy: ScalingPolicy, control: ControlMode? = nil) -> ManagedSettings {
        let scaler: ProviderScaler = policy.type == .queue ? .queueDelay(policy.value) : .requestCount(Int(policy.value.rounded(.up)))
        return ManagedSettings(
            minReplicas: replicas, maxReplicas: (control ?? policy.control) == .exact ? replicas : ceiling,
            idleTimeout: Int((policy.providerIdleTimeout ?? policy.idleTimeout).rounded()), scaler: scaler,
            stoppedMembers: 0
        )
    }
}
