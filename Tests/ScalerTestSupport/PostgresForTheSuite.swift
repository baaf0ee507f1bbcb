import Testing

/// One throwaway PostgreSQL server for every test of a suite, started before the first and
/// stopped after the last: `ThrowawayPostgres.shared` inside. Tests keep apart by the names
/// they use; a test that stops its server makes its own.
public struct PostgresForTheSuite: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try ThrowawayPostgres()
        defer { server.stop() }
        try await ThrowawayPostgres.$shared.withValue(server) {
            try await function()
        }
    }
}

extension Trait where Self == PostgresForTheSuite {
    /// A real PostgreSQL server shared by the suite's tests.
    public static var postgres: Self { PostgresForTheSuite() }
}
