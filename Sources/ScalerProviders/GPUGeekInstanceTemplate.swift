/// What each instance of a GPUGeek pool is created with.
public struct GPUGeekInstanceTemplate: Sendable, Hashable {
    public var gpuName: String
    public var gpuNum: Int
    public var imageID: String
    /// Billing: payg, bidding, daily, weekly or monthly.
    public var skuName: String
    public var command: String?
    public var datacenterID: String?
    public var httpPorts: [Int]
    public var servicePorts: [Int]
    public var systemDiskSize: Int?
    public var dataDiskSize: Int?

    public init(
        gpuName: String, gpuNum: Int, imageID: String, skuName: String, command: String? = nil,
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
