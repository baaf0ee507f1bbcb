import Foundation

/// A program run to completion on a thread of its own. Swift concurrency has as many threads as
/// cores (two here): a test that blocked one of them on a child's pipe or exit would starve every
/// other test, and their timing with it.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        /// Empty when `mergingStderr`: stderr is then in `stdout`, in order.
        public var stderr: String
    }

    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], mergingStderr: Bool = false
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try runBlocking(executable, arguments, in: directory, environment: environment, mergingStderr: mergingStderr) })
            }
        }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], in directory: URL?, environment: [String: String], mergingStderr: Bool) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        // stderr goes to a file, so that a child filling it cannot stall on a pipe nobody reads yet.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-child-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: errorFile) }
        if mergingStderr {
            process.standardError = out
        } else {
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errorFile)
        }
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = mergingStderr ? Data() : (try? Data(contentsOf: errorFile)) ?? Data()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
