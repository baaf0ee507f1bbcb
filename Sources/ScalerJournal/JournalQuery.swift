import Foundation
import ScalerCore

/// Which journal rows to return.
public struct JournalQuery: Sendable, Hashable {
    public var endpoint: String?
    public var since: Date?
    public var until: Date?
    public var action: ScalingAction?
    /// Most recent rows to return; `nil` returns all.
    public var limit: Int?

    public init(endpoint: String? = nil, since: Date? = nil, until: Date? = nil, action: ScalingAction? = nil, limit: Int? = nil) {
        self.endpoint = endpoint
        self.since = since
        self.until = until
        self.action = action
        self.limit = limit
    }
}
