import Foundation

/// Validates a config file in a child process (`scalerd check`) before the daemon parses it for a
/// reload: should some input still crash the parser, the child dies and the reload is refused,
/// never the running daemon.
struct ConfigProbe: Sendable {
    /// The binary to run `check` with: the daemon's own, by default.
    let executable: String
    /// How long the check may take before it is killed and the reload refused.
    let timeout: Duration

    init(executable: String = "/proc/self/exe", timeout: Duration = .seconds(10)) {
        self.executable = executable
        self.timeout = timeout
    }

    /// `nil` when the child finished (the file is then parsed here, where a refusal names each
    /// problem); otherwise why the reload is refused.
    func problem(checking path: String) async -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["check", "--config", path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let ended = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in ended.continuation.finish() }
        do {
            try process.run()
        } catch {
            return "the file could not be validated apart from the daemon (\(executable): \(error)); the running configuration is kept"
        }
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask { for await _ in ended.stream {}; return true }
            group.addTask { try? await Task.sleep(for: timeout); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard finished else {
            process.terminate()
            return "validating the file took longer than \(timeout.components.seconds)s and was stopped; the running configuration is kept"
        }
        if process.terminationReason == .uncaughtSignal {
            return "validating the file crashed its checker (signal \(process.terminationStatus)); the running configuration is kept"
        }
        return nil
    }
}
