import ScalerHTTP

/// Just enough of GraphQL's syntax for a fake server: the selection set after a field, as a tree
/// of field names, so that a fake answers only what was asked and refuses what does not exist.
public struct GraphQLSelection: Sendable, Hashable {
    public var fields: [(name: String, selection: GraphQLSelection?)]

    public static func == (lhs: GraphQLSelection, rhs: GraphQLSelection) -> Bool {
        lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.selection) == rhs.fields.map(\.selection)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fields.map(\.name)) }

    /// The selection set that follows the first occurrence of `field` (e.g. `endpoints`), or nil.
    public static func after(_ field: String, in query: String) -> GraphQLSelection? {
        var tokens = tokenize(query)[...]
        while let token = tokens.popFirst() {
            guard token == field else { continue }
            // Skip an argument list such as `(input: $input)`.
            if tokens.first == "(" {
                while let next = tokens.popFirst(), next != ")" {}
            }
            guard tokens.first == "{" else { return nil }
            return parseSet(&tokens)
        }
        return nil
    }

    private static func parseSet(_ tokens: inout ArraySlice<String>) -> GraphQLSelection? {
        guard tokens.popFirst() == "{" else { return nil }
        var fields: [(String, GraphQLSelection?)] = []
        while let token = tokens.first {
            if token == "}" {
                tokens.removeFirst()
                return GraphQLSelection(fields: fields)
            }
            tokens.removeFirst()
            guard token.first?.isLetter == true || token.first == "_" else { return nil }
            if tokens.first == "{" {
                guard let nested = parseSet(&tokens) else { return nil }
                fields.append((token, nested))
            } else {
                fields.append((token, nil))
            }
        }
        return nil
    }

    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber || character == "_" || character == "$" {
                current.append(character)
                continue
            }
            if !current.isEmpty { tokens.append(current); current = "" }
            if "{}():!".contains(character) { tokens.append(String(character)) }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// `value` cut down to this selection; names the first field the type does not have.
    public func project(_ value: JSON, known: (_ path: [String]) -> Set<String>, path: [String] = []) -> Result<JSON, GraphQLFieldError> {
        if case .array(let items) = value {
            var projected: [JSON] = []
            for item in items {
                switch project(item, known: known, path: path) {
                case .success(let one): projected.append(one)
                case .failure(let error): return .failure(error)
                }
            }
            return .success(.array(projected))
        }
        guard case .object(let object) = value else { return .success(value) }
        var result: [String: JSON] = [:]
        let allowed = known(path)
        for (name, selection) in fields {
            guard allowed.contains(name) else { return .failure(GraphQLFieldError(field: name, path: path)) }
            let field = object[name] ?? .null
            if let selection, !field.isNull {
                switch selection.project(field, known: known, path: path + [name]) {
                case .success(let nested): result[name] = nested
                case .failure(let error): return .failure(error)
                }
            } else {
                result[name] = field
            }
        }
        return .success(.object(result))
    }
}

public struct GraphQLFieldError: Error, Sendable {
    public var field: String
    public var path: [String]
}
