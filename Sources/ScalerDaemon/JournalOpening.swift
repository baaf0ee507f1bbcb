import Logging
import ScalerConfig
import ScalerHA
import ScalerJournal
import ScalerJournalPostgres

/// The journal the config names, opened on its backend: the daemon's store, or a reader for the
/// CLI, `replay` and `tune`.
public enum JournalOpening {
    public static func store(_ settings: JournalSettings, logger: Logger) async throws(JournalError) -> any JournalStore {
        switch settings.store {
        case .file(let path):
            return try Journal(path: path, holdWriteInterval: settings.holdWriteInterval)
        case .postgres(let location):
            return try await PostgresJournal.open(target(location), holdWriteInterval: settings.holdWriteInterval, logger: logger)
        }
    }

    public static func reader(_ store: JournalSettings.Store, logger: Logger = Logger(label: "scalerd")) async throws(JournalError) -> any JournalReading {
        switch store {
        case .file(let path):
            return try JournalReader(path: path)
        case .postgres(let location):
            return try await PostgresJournal.reading(target(location), logger: logger)
        }
    }

    /// The connection settings of a database the config names, password revealed for the
    /// connection alone.
    static func target(_ location: PostgresLocation) -> PostgresTarget {
        PostgresTarget(
            host: location.host, port: location.port, username: location.username, password: location.password?.reveal(),
            database: location.database, tls: PostgresTarget.TLSMode(rawValue: location.tls.rawValue) ?? .require
        )
    }
}
