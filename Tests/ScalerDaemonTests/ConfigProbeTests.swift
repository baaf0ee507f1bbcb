import Foundation
@testable import ScalerDaemon
import ScalerTestSupport
import Testing

/// A reload's file is checked in a child process first: a checker that crashes or hangs refuses
/// the reload; one that finishes, whatever it found, lets the daemon parse the file itself.
extension ChildProcesses {
    @Suite struct ConfigProbeChecks {
        private func script(_ body: String, in directory: URL) throws -> String {
            let path = directory.appendingPathComponent("checker-\(UUID().uuidString).sh").path
            try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            return path
        }

        @Test func aCheckerThatCrashesRefusesTheReload() async throws {
            let directory = try scratchDirectory("probe")
            defer { try? FileManager.default.removeItem(at: directory) }
            let probe = ConfigProbe(executable: try script("kill -ILL $$", in: directory))
            let problem = await probe.problem(checking: "/etc/scalerd/scalerd.yaml")
            #expect(problem == "validating the file crashed its checker (signal 4); the running configuration is kept")
        }

        @Test func aCheckerThatFinishesLetsTheDaemonParseTheFile() async throws {
            let directory = try scratchDirectory("probe")
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(await ConfigProbe(executable: try script("exit 78", in: directory)).problem(checking: "x.yaml") == nil)
            #expect(await ConfigProbe(executable: try script("exit 0", in: directory)).problem(checking: "x.yaml") == nil)
        }

        @Test func aCheckerThatHangsIsStoppedAndRefusesTheReload() async throws {
            let directory = try scratchDirectory("probe")
            defer { try? FileManager.default.removeItem(at: directory) }
            let probe = ConfigProbe(executable: try script("sleep 30", in: directory), timeout: .milliseconds(300))
            let problem = await probe.problem(checking: "x.yaml")
            #expect(problem?.hasPrefix("validating the file took longer than") == true)
        }
    }
}
