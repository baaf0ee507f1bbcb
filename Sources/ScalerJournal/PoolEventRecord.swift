import Foundation
import GRDB

/// One change to what an instance pool asked its provider for and has not yet seen happen: a
/// create sent (with the name scalerd chose, before the request goes out), its instance and
/// operation ids, a release sent, and each one's end. A restarted daemon replays the recent ones,
/// so that it neither forgets an instance being created nor makes a second one.
public struct PoolEventRecord: Sendable, Hashable, Codable {
    public enum Event: String, Sendable, Hashable, Codable {
        case createSent = "create_sent"
        case created
        case createSettled = "create_settled"
        case releaseSent = "release_sent"
        case releaseSettled = "release_settled"
    }

    public var id: Int64?
    public var at: Date
    /// `<provider name>/<endpoint id>`.
    public var pool: String
    public var event: Event
    public var instanceName: String?
    public var instanceID: String?
    public var operationID: String?
    /// The create's answer was lost: the provider may or may not have made the instance.
    public var ambiguous: Bool
    /// Why an entry ended (`listed`, `gone`, `never listed in 120s`, ...).
    public var detail: String?

    public init(
        at: Date, pool: String, event: Event, instanceName: String? = nil, instanceID: String? = nil,
        operationID: String? = nil, ambiguous: Bool = false, detail: String? = nil
    ) {
        self.at = at
        self.pool = pool
        self.event = event
        self.instanceName = instanceName
        self.instanceID = instanceID
        self.operationID = operationID
        self.ambiguous = ambiguous
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id, at, pool, event, ambiguous, detail
        case instanceName = "instance_name", instanceID = "instance_id", operationID = "operation_id"
    }
}

extension PoolEventRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "pool_event"

    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { .timeIntervalSince1970 }
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { .timeIntervalSince1970 }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension Journal {
    public func recordPoolEvent(_ record: PoolEventRecord) async throws(JournalError) {
        do {
            try await pool.write { db in
                var row = record
                try row.insert(db)
            }
        } catch {
            throw JournalError(path: path, action: "record a pool event", underlying: error)
        }
    }

    /// Pool events since `start`, oldest first: what a restarted daemon replays.
    public func poolEvents(since start: Date) throws(JournalError) -> [PoolEventRecord] {
        do {
            return try pool.read { db in
                try PoolEventRecord.fetchAll(db, sql: "SELECT * FROM pool_event WHERE at >= ? ORDER BY id", arguments: [start.timeIntervalSince1970])
            }
        } catch {
            throw JournalError(path: path, action: "read pool events", underlying: error)
        }
    }
}
