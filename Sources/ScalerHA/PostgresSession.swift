import Logging
import PostgresNIO

/// One connection to the shared store, opened on first use and again after it fails. A lease
/// claim is one statement a tick: a pool that retries connecting in the background would hold a
/// failed claim for a minute and hide why; this answers at once, in the server's own words.
public actor PostgresSession {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var connecting: Task<PostgresConnection, any Error>?
    private var connections = 0

    public init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs `body` on the open connection, or on a new one if there is none or it closed.
    public func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await open()
        return try await body(connection)
    }

    /// Closes the connection, if one is open.
    public func close() async {
        guard let connecting else { return }
        self.connecting = nil
        try? await connecting.value.close()
    }

    private func open() async throws -> PostgresConnection {
        if let connecting {
            if let open = try? await connecting.value, !open.isClosed { return open }
            // Only the first caller to find it failed or closed starts another.
            if self.connecting == connecting { self.connecting = nil }
        }
        if let connecting = self.connecting { return try await connecting.value }
        connections += 1
        let (configuration, logger, id) = (configuration, logger, connections)
        let attempt = Task { try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger) }
        connecting = attempt
        do {
            return try await attempt.value
        } catch {
            if connecting == attempt { connecting = nil }
            throw error
        }
    }
}
