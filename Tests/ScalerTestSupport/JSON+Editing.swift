import ScalerHTTP

/// Edits of a fixture, for tests that need one field different or gone.
extension JSON {
    public func merging(_ fields: [String: JSON]) -> JSON {
        guard var object = self.object else { return self }
        for (key, value) in fields { object[key] = value }
        return .object(object)
    }

    public func replacing(_ key: String, with value: JSON) -> JSON { merging([key: value]) }

    /// This value with the field at `path` (e.g. `["workers", "min"]`) set to `value`.
    public func replacing(_ path: [String], with value: JSON) -> JSON {
        guard let first = path.first, var object = self.object else { return self }
        object[first] = path.count == 1 ? value : (object[first] ?? [:]).replacing(Array(path.dropFirst()), with: value)
        return .object(object)
    }

    /// This value without the field at `path`.
    public func removing(_ path: [String]) -> JSON {
        guard let first = path.first, var object = self.object else { return self }
        if path.count == 1 {
            object[first] = nil
        } else if let child = object[first] {
            object[first] = child.removing(Array(path.dropFirst()))
        }
        return .object(object)
    }

    public func removing(_ paths: [[String]]) -> JSON {
        paths.reduce(self) { $0.removing($1) }
    }
}
