import Foundation
import GRDB
import ScalerCore

/// The decision row's columns, mapped by hand: the row is written every tick for every endpoint,
/// and Codable with a snake_case conversion cost more than SQLite itself.
extension JournalEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "decision"

    /// Every column but `id`, in the order `insert` binds them.
    package static let insertedColumns = [
        "at", "last_at", "repeats", "endpoint", "provider", "mode", "policy_version", "metric_status", "metric_age",
        "metric_error", "metric_error_kind", "queue_delay", "queue_delay_estimated", "queued", "in_flight", "ready_workers",
        "current_replicas", "raw_desired", "desired", "clamps", "action", "reason", "drift", "pushed", "outcome", "error_kind",
        "error_message", "provider_latency_ms", "queue_delay_min", "queue_delay_max", "queued_min", "queued_max",
        "in_flight_min", "in_flight_max", "epoch", "prev_hash", "hash", "extension_hash",
    ]

    /// Where each of `HashChain.hashedColumns` is among `insertedColumns`: looking each up by
    /// name was a string hash per column per row.
    static let hashedPositions = HashChain.hashedColumns.map { column in insertedColumns.firstIndex(of: column)! }

    /// The values of `insertedColumns`, in their order.
    func insertedValues() throws -> [DatabaseValue] {
        var values: [DatabaseValue] = []
        values.reserveCapacity(Self.insertedColumns.count)
        values += [at.timeIntervalSince1970.databaseValue, lastAt.timeIntervalSince1970.databaseValue, repeats.databaseValue]
        values += [endpoint.databaseValue, provider.databaseValue, mode.databaseValue, policyVersion.databaseValue]
        values += [metricStatus.rawValue.databaseValue, metricAge.databaseValue, metricError.databaseValue]
        values += [metricErrorKind?.rawValue.databaseValue ?? .null, queueDelay.databaseValue, queueDelayEstimated.databaseValue]
        values += [queued.databaseValue, inFlight.databaseValue, readyWorkers.databaseValue, currentReplicas.databaseValue]
        values += [rawDesired.databaseValue, desired.databaseValue, JSONLine.columnText(clamps, JSONLine.clamp).databaseValue]
        values += [action.rawValue.databaseValue, reason.databaseValue, JSONLine.columnText(drift, JSONLine.drift).databaseValue]
        values += [pushed.databaseValue, outcome.rawValue.databaseValue, errorKind?.rawValue.databaseValue ?? .null]
        values += [errorMessage.databaseValue, providerLatencyMs.databaseValue]
        values += extensionValues
        values += [epoch.databaseValue, prevHash.databaseValue, hash.databaseValue, extensionHash.databaseValue]
        return values
    }

    /// The values of `HashChain.extensionColumns` after the first two, which a hold run widens.
    private var extensionValues: [DatabaseValue] {
        [
            queueDelayMin.databaseValue, queueDelayMax.databaseValue, queuedMin.databaseValue, queuedMax.databaseValue,
            inFlightMin.databaseValue, inFlightMax.databaseValue,
        ]
    }

    /// The values of `HashChain.extensionColumns`, in their order.
    var extendedValues: [DatabaseValue] {
        [lastAt.timeIntervalSince1970.databaseValue, repeats.databaseValue] + extensionValues
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        for (column, value) in zip(Self.insertedColumns, try insertedValues()) {
            container[column] = value
        }
    }

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        at = Date(timeIntervalSince1970: try row.decode(forColumn: "at"))
        lastAt = Date(timeIntervalSince1970: try row.decode(forColumn: "last_at"))
        repeats = try row.decode(forColumn: "repeats")
        endpoint = try row.decode(forColumn: "endpoint")
        provider = try row.decode(forColumn: "provider")
        mode = try row.decode(forColumn: "mode")
        policyVersion = try row.decode(forColumn: "policy_version")
        metricStatus = try Self.label(row, "metric_status")
        metricAge = try row.decode(forColumn: "metric_age")
        metricError = try row.decode(forColumn: "metric_error")
        metricErrorKind = try Self.optionalLabel(row, "metric_error_kind")
        queueDelay = try row.decode(forColumn: "queue_delay")
        queueDelayEstimated = try row.decode(forColumn: "queue_delay_estimated")
        queued = try row.decode(forColumn: "queued")
        inFlight = try row.decode(forColumn: "in_flight")
        readyWorkers = try row.decode(forColumn: "ready_workers")
        currentReplicas = try row.decode(forColumn: "current_replicas")
        rawDesired = try row.decode(forColumn: "raw_desired")
        desired = try row.decode(forColumn: "desired")
        clamps = try Self.decodeJSON(row, "clamps", fast: Self.clamp)
        action = try Self.label(row, "action")
        reason = try row.decode(forColumn: "reason")
        drift = try Self.decodeJSON(row, "drift", fast: Self.drift)
        pushed = try row.decode(forColumn: "pushed")
        outcome = try Self.label(row, "outcome")
        errorKind = try Self.optionalLabel(row, "error_kind")
        errorMessage = try row.decode(forColumn: "error_message")
        providerLatencyMs = try row.decode(forColumn: "provider_latency_ms")
        queueDelayMin = try row.decode(forColumn: "queue_delay_min")
        queueDelayMax = try row.decode(forColumn: "queue_delay_max")
        queuedMin = try row.decode(forColumn: "queued_min")
        queuedMax = try row.decode(forColumn: "queued_max")
        inFlightMin = try row.decode(forColumn: "in_flight_min")
        inFlightMax = try row.decode(forColumn: "in_flight_max")
        epoch = try row.decode(forColumn: "epoch")
        prevHash = try row.decode(forColumn: "prev_hash")
        hash = try row.decode(forColumn: "hash")
        extensionHash = try row.decode(forColumn: "extension_hash")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    // GRDB's own settings for JSON columns, so that rows read the same whichever wrote them.
    private static let jsonDecoder = JournalEntry.databaseJSONDecoder(for: "clamps")

    private static func decodeJSON<Element: Decodable>(
        _ row: Row, _ column: String, fast: ([String: FlatJSONArray.Value]) -> Element?
    ) throws -> [Element] {
        let text: String = try row.decode(forColumn: column)
        if text == "[]" { return [] }
        if let objects = FlatJSONArray.objects(text) {
            let elements = objects.compactMap(fast)
            if elements.count == objects.count { return elements }
        }
        do {
            return try jsonDecoder.decode([Element].self, from: Data(text.utf8))
        } catch {
            throw JournalRowError(id: row.readable("id"), column: column, problem: "is not the JSON this version reads (\(error))")
        }
    }

    private static func clamp(_ object: [String: FlatJSONArray.Value]) -> Clamp? {
        guard case .string(let kind)? = object["kind"], let kind = ClampKind(rawValue: kind),
              case .integer(let before)? = object["before"], case .integer(let after)? = object["after"],
              case .string(let detail)? = object["detail"], object.count == 4 else { return nil }
        return Clamp(kind: kind, before: before, after: after, detail: detail)
    }

    private static func drift(_ object: [String: FlatJSONArray.Value]) -> SettingDrift? {
        guard case .string(let field)? = object["field"], case .string(let live)? = object["live"],
              case .string(let wanted)? = object["wanted"], object.count == 3 else { return nil }
        return SettingDrift(field: field, live: live, wanted: wanted)
    }

    private static func label<T: RawRepresentable<String>>(_ row: Row, _ column: String) throws -> T {
        let text: String = try row.decode(forColumn: column)
        guard let value = T(rawValue: text) else {
            throw JournalRowError(id: row.readable("id"), column: column, problem: "has the value '\(text)', which this version does not know")
        }
        return value
    }

    private static func optionalLabel<T: RawRepresentable<String>>(_ row: Row, _ column: String) throws -> T? {
        let text: String? = try row.decode(forColumn: column)
        return try text.map { _ in try label(row, column) }
    }
}

/// A decision row this version cannot read, by id and column.
public struct JournalRowError: Error, CustomStringConvertible {
    public var id: Int64?
    public var column: String
    public var problem: String

    public var description: String { "decision row \(id.map(String.init) ?? "?"): \(column) \(problem)" }
}
