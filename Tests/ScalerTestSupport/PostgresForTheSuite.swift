import Testing

/// One throwaway PostgreSQL server for every test of a suite: `ThrowawayPostgres.shared` inside.
/// Suites that run at the same time share one server (tests keep apart by the names they use),
/// started by the first and stopped after the last: a server per suite was eleven `initdb`s at
/// once on two cores, which starved the tests that measure time. A test that stops its server
/// makes its own.
public struct PostgresForTheSuite: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try await SharedPostgres.instance.acquire()
        do {
            try await ThrowawayPostgres.$shared.withValue(server) {
                try await function()
            }
            await SharedPostgres.instance.release()
        } catch {
            await SharedPostgres.instance.release()
            throw error
        }
    }
}

/// The server the running suites share, counted by its users.
private actor SharedPostgres {
    static let instance = SharedPostgres()

    private var server: Task<ThrowawayPostgres, any Error>?
    private var users = 0

    func acquire() async throws -> ThrowawayPostgres {
        users += 1
        let starting = server ?? Task { try await ThrowawayPostgres.started() }
        server = starting
        do {
            return try await starting.value
        } catch {
            users -= 1
            if users == 0 { server = nil }
            throw error
        }
    }

    func release() async {
        users -= 1
        guard users == 0, let stopping = server else { return }
        server = nil
        if let running = try? await stopping.value { await ThrowawayPostgres.stopping(running) }
    }
}

extension Trait where Self == PostgresForTheSuite {
    /// A real PostgreSQL server shared by the suite's tests (and any suite running beside it).
    public static var postgres: Self { PostgresForTheSuite() }
}
