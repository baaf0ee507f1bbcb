import ScalerPorts

/// Ids that go into a URL path: anything that could change the path's meaning is refused.
enum PathSegment {
    static func valid(_ id: String) -> String? {
        guard !id.isEmpty, id.count <= 255, id != ".", id != "..",
              id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else { return nil }
        return id
    }

    static func checked(_ id: String) throws(ProviderError) -> String {
        guard let id = valid(id) else {
            throw ProviderError(.rejected, "endpoint id '\(id)' may hold only letters, digits, '-', '_' and '.'")
        }
        return id
    }
}
