/// Reads the journal's JSON columns (`clamps`, `drift`): an array of flat objects whose values
/// are strings or integers. Foundation's decoder was a third of an export's time; anything this
/// reader does not expect answers `nil`, and the caller falls back to that decoder.
enum FlatJSONArray {
    enum Value: Equatable {
        case string(String)
        case integer(Int)
    }

    static func objects(_ text: String) -> [[String: Value]]? {
        var reader = Reader(bytes: Array(text.utf8))
        return reader.array()
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func array() -> [[String: Value]]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var objects: [[String: Value]] = []
            if take(UInt8(ascii: "]")) { return finished(objects) }
            repeat {
                guard let object = object() else { return nil }
                objects.append(object)
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? finished(objects) : nil
        }

        private func finished(_ objects: [[String: Value]]) -> [[String: Value]]? {
            index == bytes.count ? objects : nil
        }

        private mutating func object() -> [String: Value]? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var object: [String: Value] = [:]
            if take(UInt8(ascii: "}")) { return object }
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")), let value = value() else { return nil }
                object[key] = value
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) ? object : nil
        }

        private mutating func value() -> Value? {
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") { return string().map(Value.string) }
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start, let integer = Int(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
            return .integer(integer)
        }

        /// A string without escapes other than `\/`, `\"` and `\\`; others are left to Foundation.
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var text: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count, [UInt8(ascii: "/"), UInt8(ascii: "\""), UInt8(ascii: "\\")].contains(bytes[index]) else { return nil }
                    text.append(bytes[index])
                    index += 1
                case ..<0x20: return nil
                default: text.append(byte)
                }
            }
            return nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
    }
}
