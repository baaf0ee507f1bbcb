/// One setting that someone or something changed behind scalerd's back.
public struct SettingDrift: Sendable, Hashable, Codable, CustomStringConvertible {
    public var field: String
    public var live: String
    public var wanted: String

    public init(field: String, live: String, wanted: String) {
        self.field = field
        self.live = live
        self.wanted = wanted
    }

    public var description: String { "\(field) is \(live), wanted \(wanted)" }
}
