/// The providers this build knows, by kind: what config validation checks against.
public struct ProviderCatalog: Sendable {
    public let descriptors: [ProviderDescriptor]

    public init(_ descriptors: [ProviderDescriptor]) {
        var seen: Set<ProviderKind> = []
        for descriptor in descriptors {
            precondition(seen.insert(descriptor.kind).inserted, "provider kind \(descriptor.kind) declared twice")
        }
        self.descriptors = descriptors
    }

    public var kinds: [ProviderKind] { descriptors.map(\.kind) }

    public func descriptor(_ kind: ProviderKind) -> ProviderDescriptor? {
        descriptors.first { $0.kind == kind }
    }
}
