import ScalerCore

/// One autoscaler over the settings its operators turn: every member is the same autoscaler with
/// other knobs.
public struct SweepFamily: Sendable {
    public var name: String
    /// The knobs swept and their values, for the report.
    public var knobs: String
    public var members: [SweepMember]

    public init(name: String, knobs: String, members: [SweepMember]) {
        self.name = name
        self.knobs = knobs
        self.members = members
    }
}

public struct SweepMember: Sendable {
    /// The swept knobs' values, short: `window 60s, target 5.6, min 2`.
    public var settings: String
    /// The autoscaler as shipped (for scalerd: the endpoint's policy as configured).
    public var isDefault: Bool
    public var strategy: any ScalingStrategy
    /// scalerd's policy for this setting, so that a chosen point can be written back.
    public var policy: ScalingPolicy?

    public init(settings: String, isDefault: Bool, strategy: any ScalingStrategy, policy: ScalingPolicy? = nil) {
        self.settings = settings
        self.isDefault = isDefault
        self.strategy = strategy
        self.policy = policy
    }
}
