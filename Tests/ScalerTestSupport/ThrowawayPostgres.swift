import Foundation

/// A real PostgreSQL server (Debian's `postgresql` package) in a scratch directory on a free
/// loopback port, with password authentication over TCP as a deployment has it. The server
/// refuses to run as root, so as root it runs as the `postgres` user the package creates.
/// Stopped and removed when the value goes; `stop()` and `start()` restart it in between.
public final class ThrowawayPostgres: @unchecked Sendable {
    public let port: Int
    public let username = "scalerd"
    public let password = "pg-test-secret-5150"
    public let database = "scalerd"
    private let directory: URL
    private let lock = NSLock()
    private var server: Process?

    /// Where Debian keeps the server's programs (they are not on PATH).
    public static var binaries: String {
        if let configured = ProcessInfo.processInfo.environment["POSTGRES_BINARIES"] { return configured }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let newest = versions.compactMap(Int.init).max()
        return newest.map { "/usr/lib/postgresql/\($0)/bin" } ?? "/usr/lib/postgresql/bin"
    }

    /// Makes a cluster with one password-protected role and database, and starts it.
    public init() throws {
        let initdb = "\(Self.binaries)/initdb"
        guard FileManager.default.isExecutableFile(atPath: initdb) else {
            throw PostgresUnavailable("no PostgreSQL server at \(Self.binaries): apt-get install postgresql (.ci/run does)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-postgres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try FreePort.find()
        let passwordFile = directory.appendingPathComponent("password").path
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try handToServerUser(directory.path)
        try Self.run(initdb, [
            "-D", dataDirectory, "-U", username, "--pwfile=\(passwordFile)", "--auth-local=trust", "--auth-host=scram-sha-256",
            "--no-sync", "-E", "UTF8", "--locale=C",
        ], what: "initdb")
        try start()
        try Self.run("\(Self.binaries)/createdb", ["-h", socketDirectory, "-p", "\(port)", "-U", username, database], what: "createdb")
    }

    /// A new server, made and started on a thread of its own: `initdb` and the wait for the
    /// server block for seconds, and on two cores a blocked thread of the concurrency pool is
    /// half of it, which stalled the tests that measure time.
    public static func started() async throws -> ThrowawayPostgres {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try ThrowawayPostgres() }) }
        }
    }

    /// Stops it on a thread of its own, for the same reason.
    public static func stopping(_ server: ThrowawayPostgres) async {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                server.stop()
                continuation.resume()
            }
        }
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }
    private var socketDirectory: String { directory.path }

    /// The URL a config names (the password goes apart, as a credential).
    public var url: String { "postgres://\(username)@127.0.0.1:\(port)/\(database)" }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.binaries)/postgres")
        process.arguments = [
            "-D", dataDirectory, "-p", "\(port)", "-k", socketDirectory, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "log_min_messages=fatal",
        ]
        Self.dropRoot(process)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { server = process }
        for _ in 0..<300 {
            let ready = Process()
            ready.executableURL = URL(fileURLWithPath: "\(Self.binaries)/pg_isready")
            ready.arguments = ["-q", "-h", "127.0.0.1", "-p", "\(port)"]
            ready.standardOutput = FileHandle.nullDevice
            ready.standardError = FileHandle.nullDevice
            try ready.run()
            ready.waitUntilExit()
            if ready.terminationStatus == 0 { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw PostgresUnavailable("PostgreSQL in \(dataDirectory) did not start on port \(port)")
    }

    /// Stops the server at once, as a crash or a kill would (the next start recovers from the WAL).
    public func stop() {
        let process = lock.withLock { () -> Process? in
            defer { server = nil }
            return server
        }
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGQUIT)
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static var isRoot: Bool { getuid() == 0 }

    /// As root, runs `process` as the `postgres` user (setpriv execs, so signals reach the server).
    private static func dropRoot(_ process: Process) {
        guard isRoot, let program = process.executableURL?.path else { return }
        process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program] + (process.arguments ?? [])
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    }

    private func handToServerUser(_ path: String) throws {
        guard Self.isRoot else { return }
        for item in [path, directory.appendingPathComponent("password").path] {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: item)
        }
    }

    private static func run(_ program: String, _ arguments: [String], what: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        dropRoot(process)
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PostgresUnavailable("\(what) failed (\(process.terminationStatus)): \(String(decoding: said, as: UTF8.self))")
        }
    }
}

public struct PostgresUnavailable: Error, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}

extension ThrowawayPostgres {
    /// The server the running suite shares (see `PostgresForTheSuite`).
    @TaskLocal public static var shared: ThrowawayPostgres?
}
