import Foundation

/// The built `scalerd` binary, run as a real child process.
public final class DaemonProcess {
    public let process = Process()
    public let stderrURL: URL

    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SCALERD_BINARY"] { return URL(fileURLWithPath: path) }
        // `swift test` runs from the products directory, where the executable is built beside the tests.
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("scalerd")
    }

    public init(arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        stderrURL = directory.appendingPathComponent("stderr-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    public var stderr: String {
        (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
    }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Polls `condition` until it holds or `seconds` pass.
    public static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    public func waitForExit(within seconds: Double) async -> Int32? {
        let exited = await Self.eventually(within: seconds) { !process.isRunning }
        return exited ? process.terminationStatus : nil
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// Runs the binary to completion and returns its exit status and output.
public func runScalerd(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let result = try await ChildProcess.run(DaemonProcess.binary, arguments, in: directory, environment: environment)
    return (result.status, result.stdout, result.stderr)
}
