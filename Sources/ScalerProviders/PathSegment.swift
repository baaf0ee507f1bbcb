import ScalerHTTP

/// Ids that go into a URL path: anything that could change the path's meaning is refused.
enum PathSegment {
    static func checked(_ id: String) throws(ProviderError) -> String {
        guard !id.isEmpty, id.count <= 255, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }), id != ".", id != ".." else {
            throw ProviderError(.rejected, "endpoint id '\(id)' may hold only letters, digits, '-', '_' and '.'")
        }
        return id
    }
}
