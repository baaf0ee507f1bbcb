/// What each instance of a scalerd-owned pool is created with (an endpoint's `instance:` block,
/// for providers without a serverless product).
public struct InstanceTemplate: Sendable, Hashable, Codable {
    public enum Billing: String, Sendable, Hashable, Codable, CaseIterable {
        case payg, bidding, daily, weekly, monthly

        /// Paid ahead for a whole day, week or month, however soon the instance is released.
        public var isPrepaid: Bool { period != nil }

        /// What a prepaid package buys at once.
        public var period: String? {
            switch self {
            case .daily: return "day"
            case .weekly: return "week"
            case .monthly: return "month"
            case .payg, .bidding: return nil
            }
        }
    }

    public var gpuName: String
    public var gpuNum: Int
    public var imageID: String
    public var skuName: Billing
    public var command: String?
    public var datacenterID: String?
    public var httpPorts: [Int]
    public var servicePorts: [Int]
    public var systemDiskSize: Int?
    public var dataDiskSize: Int?

    public init(
        gpuName: String, gpuNum: Int, imageID: String, skuName: Billing, command: String? = nil,
        datacenterID: String? = nil, httpPorts: [Int] = [], servicePorts: [Int] = [],
        systemDiskSize: Int? = nil, dataDiskSize: Int? = nil
    ) {
        self.gpuName = gpuName
        self.gpuNum = gpuNum
        self.imageID = imageID
        self.skuName = skuName
        self.command = command
        self.datacenterID = datacenterID
        self.httpPorts = httpPorts
        self.servicePorts = servicePorts
        self.systemDiskSize = systemDiskSize
        self.dataDiskSize = dataDiskSize
    }
}

/// One endpoint's instance pool: what to create, and how many creates one apply may start.
public struct PoolSpec: Sendable, Hashable {
    public var template: InstanceTemplate
    /// The policy's `scale_up.max_step`; `nil` is no limit beyond `max_replicas`.
    public var maxCreatesPerApply: Int?

    public init(template: InstanceTemplate, maxCreatesPerApply: Int? = nil) {
        self.template = template
        self.maxCreatesPerApply = maxCreatesPerApply
    }
}
