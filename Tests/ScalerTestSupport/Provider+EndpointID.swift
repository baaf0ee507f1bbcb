import ScalerPorts

/// Tests name endpoints by id alone; pools pass a target with their template.
extension Provider {
    public func read(endpointID: String) async throws(ProviderError) -> EndpointStatus {
        try await read(EndpointTarget(id: endpointID))
    }

    public func apply(_ wanted: ManagedSettings, endpointID: String) async throws(ProviderError) {
        try await apply(wanted, to: EndpointTarget(id: endpointID))
    }
}
