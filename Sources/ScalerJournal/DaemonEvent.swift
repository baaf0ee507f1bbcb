import Foundation
import GRDB

/// One moment in a daemon's life, as the journal keeps it: a start, an applied reload, a stop,
/// or the record a start makes that the run before it ended without one. Chained like the
/// decisions, in a chain of its own, so that a removed stop or an invented start is seen.
public struct DaemonEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case start
        case reload
        case stop
        /// Written by a start: the run before it ended without a stop (a crash, `kill -9`,
        /// power loss); nothing is known from its last evaluation to this start.
        case uncleanEnd = "unclean_end"
        /// High availability: this instance took, lost, released or stopped acting on the lease.
        case leadership
    }

    public var id: Int64?
    public var at: Date
    public var event: Kind
    public var pid: Int
    public var version: String
    /// The whole config file's hash, at a start or reload.
    public var configVersion: String
    /// The tick in force, so that a reader can tell a live daemon from a silent one.
    public var tick: Double?
    public var reason: String
    /// What else the event knows, as JSON: a stop's pushes, an unclean end's last evaluation.
    public var detail: String
    /// Which instance of a group recorded it, in a journal the group shares (`host:config`);
    /// nil in a journal of one instance.
    public var instance: String?
    public var prevHash: String?
    public var hash: String?

    public init(
        at: Date, event: Kind, pid: Int, version: String, configVersion: String, tick: Double?, reason: String, detail: String = "{}",
        instance: String? = nil
    ) {
        self.at = at
        self.event = event
        self.pid = pid
        self.version = version
        self.configVersion = configVersion
        self.tick = tick
        self.reason = reason
        self.detail = detail
        self.instance = instance
    }

    enum CodingKeys: String, CodingKey {
        case id, at, event, pid, version, tick, reason, detail, hash, instance
        case configVersion = "config_version", prevHash = "prev_hash"
    }

    /// What the hash covers: everything the event recorded but its id; `instance` (added later)
    /// by name and only when present, so that events written before it keep their hashes.
    static let hashedColumns = ["at", "event", "pid", "version", "config_version", "tick", "reason", "detail"]
    static let optionalHashedColumns = ["instance"]
}

extension DaemonEvent {
    /// An unclean end's detail: the run that ended without a stop, and its last evaluation,
    /// after which nothing is known.
    public struct UncleanEnd: Sendable, Hashable, Codable {
        public var pid: Int?
        public var runStarted: Date?
        public var lastEvaluation: Date

        public init(pid: Int?, runStarted: Date?, lastEvaluation: Date) {
            self.pid = pid
            self.runStarted = runStarted
            self.lastEvaluation = lastEvaluation
        }

        enum CodingKeys: String, CodingKey {
            case pid
            case runStarted = "run_started", lastEvaluation = "last_evaluation"
        }

        public init?(detail: String) {
            guard let decoded = try? DaemonEvent.detailDecoder.decode(Self.self, from: Data(detail.utf8)) else { return nil }
            self = decoded
        }

        public var detail: String { DaemonEvent.detailJSON(self) }
    }

    /// Details are JSON with sorted keys and times in Unix seconds, like the journal's columns.
    public static func detailJSON(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static let detailDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}

extension DaemonEvent: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "daemon_event"

    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { .timeIntervalSince1970 }
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { .timeIntervalSince1970 }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension DaemonEvent {
    /// The event as its chain keeps it: linked to `previousHash` (the newest event's, nil for
    /// the first) and hashed.
    package func chained(after previousHash: String?) throws -> DaemonEvent {
        var row = self
        row.prevHash = previousHash ?? HashChain.genesis
        row.hash = HashChain.eventHash(previous: row.prevHash ?? HashChain.genesis, values: try row.databaseDictionary)
        return row
    }
}

extension Journal {
    @discardableResult
    public func record(_ event: DaemonEvent) async throws(JournalError) -> DaemonEvent {
        do {
            return try await pool.write { db in
                var row = try event.chained(after: String.fetchOne(db, sql: "SELECT hash FROM daemon_event ORDER BY id DESC LIMIT 1"))
                try row.insert(db)
                return row
            }
        } catch {
            throw JournalError(path: path, action: "record a daemon \(event.event.rawValue)", underlying: error)
        }
    }

    public func previousRun(instance: String?) throws(JournalError) -> PreviousRun? {
        do {
            return try pool.read { db in
                let own = DaemonEvent.filter(Column("instance") == instance)
                let newest = try own.order(Column("id").desc).fetchOne(db)
                let start = try own.filter(Column("event") == DaemonEvent.Kind.start.rawValue).order(Column("id").desc).fetchOne(db)
                let since = start?.at.timeIntervalSince1970 ?? 0
                let last = instance != nil ? nil : try Double.fetchOne(db, sql: "SELECT max(last_at) FROM decision WHERE last_at >= ?", arguments: [since])
                    .map(Date.init(timeIntervalSince1970:))
                return PreviousRun(newestEvent: newest, newestStart: start, lastEvaluation: last)
            }
        } catch {
            throw JournalError(path: path, action: "read how the last run ended", underlying: error)
        }
    }
}

/// How a run ended, for the next start's records and the admin API.
public struct PreviousRun: Sendable, Hashable, Codable {
    public enum Ending: String, Sendable, Hashable, Codable {
        /// A graceful stop, journalled.
        case stopped
        /// No stop was journalled: a crash, `kill -9`, power loss.
        case endedWithoutStop = "ended_without_stop"
    }

    public var pid: Int?
    public var startedAt: Date?
    /// The stop, or the last evaluation when the run ended without one.
    public var endedAt: Date
    public var ending: Ending
    public var reason: String

    public init(pid: Int?, startedAt: Date?, endedAt: Date, ending: Ending, reason: String) {
        self.pid = pid
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.ending = ending
        self.reason = reason
    }

    /// From the newest event, the newest start and the newest evaluation since that start: nil
    /// in a journal with neither runs nor decisions.
    package init?(newestEvent newest: DaemonEvent?, newestStart start: DaemonEvent?, lastEvaluation last: Date?) {
        if let newest, newest.event == .stop {
            self.init(pid: newest.pid, startedAt: start?.at, endedAt: newest.at, ending: .stopped, reason: newest.reason)
            return
        }
        // No stop after the newest start, or decisions from before lifecycle records:
        // nothing is known after the last evaluation.
        guard newest != nil || last != nil else { return nil }
        let known = [last, start?.at, newest?.at].compactMap { $0 }.max() ?? Date(timeIntervalSince1970: 0)
        let reason = newest == nil
            ? "the journal predates lifecycle records; nothing is known after its last evaluation"
            : "the run of pid \(start?.pid ?? 0) ended without a stop; nothing is known after its last evaluation"
        self.init(pid: start?.pid, startedAt: start?.at, endedAt: known, ending: .endedWithoutStop, reason: reason)
    }
}
