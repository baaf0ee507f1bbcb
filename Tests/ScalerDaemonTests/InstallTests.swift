import Foundation
import ScalerConfig
import ScalerProviders
import ScalerTestSupport
import Testing

/// `make install` and `make uninstall` into a staging root, and the unit they install checked
/// by systemd's own tools, as CI must.
extension ChildProcesses {
    @Suite struct InstallIntoAStagingRoot {
        private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

        private func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
            let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [executable] + arguments, in: Self.packageRoot, mergingStderr: true)
            return (result.status, result.stdout)
        }

        private func make(_ target: String, into stage: URL) async throws -> (status: Int32, output: String) {
            try await run("make", [target, "DESTDIR=\(stage.path)", "BINARY=\(DaemonProcess.binary.path)"])
        }

        private func mode(_ path: URL) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }

        @Test func installPutsEverythingInPlaceAndUninstallLeavesTheJournal() async throws {
            let stage = try scratchDirectory("stage")
            defer { try? FileManager.default.removeItem(at: stage) }
            let installed = try await make("install", into: stage)
            #expect(installed.status == 0, "\(installed.output)")

            let unit = stage.appendingPathComponent("usr/local/lib/systemd/system/scalerd.service")
            let config = stage.appendingPathComponent("etc/scalerd/scalerd.yaml")
            #expect(try mode(stage.appendingPathComponent("usr/local/bin/scalerd")) == 0o755)
            #expect(try mode(unit) == 0o644)
            #expect(try mode(stage.appendingPathComponent("usr/local/lib/sysusers.d/scalerd.conf")) == 0o644)
            #expect(try mode(stage.appendingPathComponent("usr/local/lib/tmpfiles.d/scalerd.conf")) == 0o644)
            #expect(try mode(config) == 0o640, "a config only root may change")
            #expect(try mode(stage.appendingPathComponent("usr/local/share/doc/scalerd/scalerd-alerts.yml")) == 0o644, "the alert rules ship beside the docs")
            #expect(try mode(stage.appendingPathComponent("etc/scalerd/credentials")) == 0o700)
            #expect(try String(contentsOf: unit, encoding: .utf8).contains("ExecStart=/usr/local/bin/scalerd run --config /etc/scalerd/scalerd.yaml"))
            #expect(try ConfigLoader.offline(catalog: ProviderModules.catalog).load(file: config.path).endpoints.isEmpty == false, "the example config is valid")

            // A config the operator changed survives a reinstall and an uninstall; the journal too.
            try "# mine\n".appending(String(contentsOf: config, encoding: .utf8)).write(to: config, atomically: true, encoding: .utf8)
            #expect(try await make("install", into: stage).status == 0)
            #expect(try String(contentsOf: config, encoding: .utf8).hasPrefix("# mine"))
            let journal = stage.appendingPathComponent("var/lib/scalerd/journal.sqlite")
            try FileManager.default.createDirectory(at: journal.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("journal".utf8).write(to: journal)

            let removed = try await make("uninstall", into: stage)
            #expect(removed.status == 0, "\(removed.output)")
            for gone in ["usr/local/bin/scalerd", "usr/local/lib/systemd/system/scalerd.service", "usr/local/lib/sysusers.d/scalerd.conf",
                         "usr/local/lib/tmpfiles.d/scalerd.conf", "usr/local/share/doc/scalerd"] {
                #expect(!FileManager.default.fileExists(atPath: stage.appendingPathComponent(gone).path), "\(gone) is removed")
            }
            #expect(FileManager.default.fileExists(atPath: journal.path), "the journal stays")
            #expect(FileManager.default.fileExists(atPath: config.path), "a changed config stays")
        }

        @Test func systemdVerifiesTheInstalledUnitCleanly() async throws {
            let stage = try scratchDirectory("verify")
            defer { try? FileManager.default.removeItem(at: stage) }
            #expect(try await make("install", into: stage).status == 0)
            // The staged root borrows the host's targets, which the unit orders itself against.
            let targets = stage.appendingPathComponent("usr/lib/systemd/system")
            try FileManager.default.createDirectory(at: targets, withIntermediateDirectories: true)
            let hostUnits = URL(fileURLWithPath: "/usr/lib/systemd/system")
            for name in try FileManager.default.contentsOfDirectory(atPath: hostUnits.path) where name.hasSuffix(".target") {
                let source = hostUnits.appendingPathComponent(name)
                guard (try? FileManager.default.destinationOfSymbolicLink(atPath: source.path)) == nil else { continue }
                try FileManager.default.copyItem(at: source, to: targets.appendingPathComponent(name))
            }
            let unit = stage.appendingPathComponent("usr/local/lib/systemd/system/scalerd.service").path
            let verified = try await run("systemd-analyze", ["verify", "--root=\(stage.path)", unit])
            #expect(verified.status == 0 && verified.output.isEmpty, "systemd-analyze verify: \(verified.output)")
        }

        @Test func theUnitsSecurityExposureIsAtMostTwo() async throws {
            let unit = Self.packageRoot.appendingPathComponent("systemd/scalerd.service").path
            let analysis = try await run("systemd-analyze", ["security", "--offline=true", "--no-pager", unit])
            let line = try #require(analysis.output.split(separator: "\n").last { $0.contains("Overall exposure level") }, "\(analysis.output)")
            let score = line.split(separator: ":").last.flatMap { Double($0.split(separator: " ").first ?? "") }
            let exposure = try #require(score, "\(line)")
            #expect(exposure <= 2.0, "\(analysis.output)")
        }
    }
}
