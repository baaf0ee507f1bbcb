import Foundation
import ScalerPorts

/// Parses provider answers defensively: a hostile or broken body is a `malformed` error for that
/// endpoint, never a crash or a stack overflow.
enum JSONReader {
    static let maxDepth = 64

    static func parse(_ data: Data, context: String) throws(ProviderError) -> JSON {
        guard !data.isEmpty else { throw ProviderError(.malformed, "\(context): empty answer where JSON was expected") }
        guard nestingDepth(of: data) <= maxDepth else {
            throw ProviderError(.malformed, "\(context): JSON nested deeper than \(maxDepth) levels")
        }
        do {
            return try JSONDecoder().decode(JSON.self, from: data)
        } catch {
            throw ProviderError(.malformed, "\(context): not valid JSON (\(data.count) bytes)")
        }
    }

    /// Bracket depth outside strings, measured before decoding so that depth costs nothing.
    static func nestingDepth(of data: Data) -> Int {
        var depth = 0, deepest = 0
        var inString = false, escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// The provider's own words from an error body: RFC 9457 `detail`/`errors`, `message`, `error`.
    static func errorMessage(_ data: Data) -> String? {
        guard let json = try? parse(data, context: "") else {
            let text = String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        var parts: [String] = []
        for key in ["title", "detail", "message", "msg"] {
            if let text = json[key]?.string, !text.isEmpty { parts.append(text) }
        }
        if let error = json["error"] {
            if let text = error.string { parts.append(text) } else if let text = error["message"]?.string { parts.append(text) }
        }
        if let errors = json["errors"]?.array {
            parts += errors.prefix(3).compactMap { $0.string ?? $0["message"]?.string }
        }
        let message = parts.joined(separator: ": ")
        return message.isEmpty ? nil : String(message.prefix(500))
    }
}
