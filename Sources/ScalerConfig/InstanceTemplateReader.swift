import ScalerPorts

/// Reads a GPUGeek endpoint's `instance:` block: what each pool instance is created with.
struct InstanceTemplateReader {
    let node: ConfigNode

    private static let keys = [
        "gpu_name", "gpu_num", "image_id", "sku_name", "cmd", "dc_id", "http_ports", "service_ports",
        "system_disk_size", "data_disk_size",
    ]

    func read() -> InstanceTemplate? {
        guard let mapping = node.mapping(keys: Self.keys) else { return nil }
        let gpuName = mapping.required("gpu_name")?.string()
        let gpuNum = mapping.required("gpu_num")?.integer(atLeast: 1)
        let imageID = mapping.required("image_id")?.string()
        let skuNode = mapping.required("sku_name")
        var sku = skuNode?.choice(InstanceTemplate.Billing.self)
        if let skuNode, let billing = sku, billing.isPrepaid {
            skuNode.report("'\(billing.rawValue)' is prepaid: each instance is paid a whole \(billing.period ?? "period") ahead however soon scalerd releases it, and a pool creates and releases instances as the load moves; use payg or bidding")
            sku = nil
        }
        let httpPorts = mapping["http_ports"].map(ports) ?? []
        let servicePorts = mapping["service_ports"].map(ports) ?? []
        if httpPorts.count + servicePorts.count > 3 {
            node.report("GPUGeek opens at most 3 ports in all (http_ports and service_ports together)")
        }
        guard let gpuName, let gpuNum, let imageID, let sku else { return nil }
        return InstanceTemplate(
            gpuName: gpuName, gpuNum: gpuNum, imageID: imageID, skuName: sku,
            command: mapping["cmd"]?.string(), datacenterID: mapping["dc_id"]?.string(),
            httpPorts: httpPorts, servicePorts: servicePorts,
            systemDiskSize: mapping["system_disk_size"]?.integer(atLeast: 1),
            dataDiskSize: mapping["data_disk_size"]?.integer(atLeast: 1)
        )
    }

    private func ports(_ node: ConfigNode) -> [Int] {
        (node.sequence() ?? []).compactMap { item in
            guard let port = item.integer(atLeast: 1) else { return nil }
            guard port <= 65535 else {
                item.report("a port is 1-65535, got \(port)")
                return nil
            }
            return port
        }
    }
}
