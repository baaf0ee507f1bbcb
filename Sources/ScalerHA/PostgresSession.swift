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
    /// Callers of `exclusively` waiting for the one before them to finish, first come first.
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var busy = false

    public init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs `body` on the open connection, or on a new one if there is none or it closed.
    public func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await open()
        return try await body(connection)
    }

    /// Runs `body` with the connection to itself: a transaction's statements, or a stream read to
    /// its end, with no other caller's statement in between (one connection runs what it is sent
    /// in order, whoever sent it). `body` runs where the caller does, so it may use the caller's
    /// state as it goes.
    public func exclusively<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    /// Waits for the callers before, then the connection (made if need be); the turn is given
    /// back if none can be made.
    private func acquire() async throws -> PostgresConnection {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        do {
            return try await open()
        } catch {
            release()
            throw error
        }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
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
