import Foundation
import Logging
import ScalerCore
import ScalerHA
import ScalerJournal
import ScalerJournalPostgres
import ScalerTestSupport
import Testing

extension ChildProcesses {
    /// The journal commands, run as an operator runs them, say the same of the same rows whether
    /// a SQLite file or a PostgreSQL database keeps them.
    @Suite struct JournalBackendParity {
        /// A run of two endpoints over two hours, ending `base`: a start, scale-ups, a hold run,
        /// a metric failure, a pool event, a reload and a stop.
        private func write(_ journal: any JournalStore, base: Date) async throws {
            func at(_ minutes: Double) -> Date { base.addingTimeInterval(minutes * 60) }
            func row(_ endpoint: String, _ minutes: Double, _ action: ScalingAction, _ desired: Int, delay: Double = 2) -> JournalEntry {
                let decision = Decision(
                    at: at(minutes), currentReplicas: 1, metricStatus: .fresh, metricAge: 0.2, rawRecommendation: desired,
                    clamps: action == .scaleUp ? [Clamp(kind: .stepLimit, before: desired + 1, after: desired, detail: "scale_up.max_step=2")] : [],
                    desiredReplicas: desired, action: action, reason: "\(action.rawValue) of \(endpoint) at \(minutes)m", nextState: ScalerState()
                )
                let observation = Observation(metrics: .sample(MetricSample(takenAt: at(minutes), queueDelay: delay, queued: 3, inFlight: 1)), currentReplicas: 1)
                return JournalEntry(decision: decision, observation: observation, endpoint: endpoint, provider: "sim", mode: "enforce",
                                    policyVersion: "v1", outcome: action == .hold ? .unchanged : .applied, providerLatency: 0.02)
            }
            func event(_ kind: DaemonEvent.Kind, _ minutes: Double, _ reason: String) -> DaemonEvent {
                DaemonEvent(at: at(minutes), event: kind, pid: 4242, version: "test", configVersion: "cfg1", tick: 5, reason: reason)
            }
            try await journal.record(event(.start, -121, "started with 2 endpoint(s)"))
            try await journal.append([row("chat", -120, .scaleUp, 3), row("embed", -110, .scaleUp, 2)], states: [])
            for minute in stride(from: -100.0, through: -60, by: 10) { try await journal.append([row("chat", minute, .hold, 3, delay: minute / -20)], states: []) }
            var failed = row("embed", -50, .hold, 2)
            failed.metricErrorKind = .timeout
            failed.metricError = "no answer in 2 s"
            try await journal.append([failed], states: [])
            try await journal.record(event(.reload, -40, "configuration reloaded"))
            try await journal.recordPoolEvent(PoolEventRecord(at: at(-35), pool: "sim/chat", event: .createSent, instanceName: "scalerd-chat-1"))
            try await journal.append([row("chat", -30, .scaleDown, 1), row("embed", -20, .scaleUp, 4)], states: [], completingHoldRuns: true)
            try await journal.record(event(.stop, -10, "graceful stop"))
        }

        @Test func everyJournalCommandSaysTheSameOfTheSameRowsOnEitherBackend() async throws {
            let postgres = try await ThrowawayPostgres.started()
            defer { postgres.stop() }
            let directory = try scratchDirectory("parity")
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("journal.sqlite").path
            let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)

            try await write(Journal(path: file), base: base)
            let target = PostgresTarget(host: "127.0.0.1", port: postgres.port, username: postgres.username, password: postgres.password,
                                        database: postgres.database, tls: .disable)
            let shared = try await PostgresJournal.open(target, logger: Logger(label: "test"))
            do {
                try await write(shared, base: base)
                await shared.close()
            } catch {
                await shared.close()
                throw error
            }
            let url = "\(postgres.url)?sslmode=disable"
            let location = "postgres://\(postgres.username)@127.0.0.1:\(postgres.port)/\(postgres.database)"
            // Absolute times: each command is run twice, and "3h ago" moves between the runs.
            let until = ISO8601DateFormatter().string(from: base)
            let since = ISO8601DateFormatter().string(from: base.addingTimeInterval(-3 * 3_600))
            let instant = ISO8601DateFormatter().string(from: base.addingTimeInterval(-75 * 60))
            let commands: [[String]] = [
                ["journal", "list", "--until", until],
                ["journal", "list", "--format", "json"],
                ["journal", "list", "--format", "csv", "--endpoint", "chat"],
                ["journal", "list", "--action", "hold", "--since", since, "--until", until, "--limit", "2"],
                ["journal", "export", "--format", "jsonl"],
                ["journal", "export", "--format", "csv", "--since", ISO8601DateFormatter().string(from: base.addingTimeInterval(-90 * 60)), "--until", until],
                ["journal", "export", "--events"],
                ["journal", "explain", "2"],
                ["journal", "explain", "--at", instant],
                ["journal", "explain", "--at", instant, "--endpoint", "embed"],
                ["journal", "stats", "--since", since, "--until", until],
                ["journal", "stats", "--since", since, "--until", until, "--format", "json", "--endpoint", "chat"],
                ["journal", "verify"],
                ["journal", "plot", "--endpoint", "chat", "--since", since, "--until", until, "--time-zone", "UTC", "-o", "PLOT"],
            ]
            for command in commands {
                let onFile = try await runScalerd(command.map { $0 == "PLOT" ? "file.svg" : $0 } + ["--journal", file], in: directory)
                let onPostgres = try await runScalerd(
                    command.map { $0 == "PLOT" ? "postgres.svg" : $0 } + ["--journal", url], in: directory, environment: ["PGPASSWORD": postgres.password]
                )
                #expect(onFile.status == 0 && onPostgres.status == 0, "\(command): \(onFile.stderr) | \(onPostgres.stderr)")
                #expect(!onFile.stdout.isEmpty, "\(command)")
                let said = (onFile.stdout.replacingOccurrences(of: file, with: "<journal>").replacingOccurrences(of: "file.svg", with: "<plot>"),
                            onPostgres.stdout.replacingOccurrences(of: location, with: "<journal>").replacingOccurrences(of: "postgres.svg", with: "<plot>"))
                #expect(said.0 == said.1, "\(command)")
                #expect(!onPostgres.stdout.contains(postgres.password) && !onPostgres.stderr.contains(postgres.password))
            }
            let plots = try ["file.svg", "postgres.svg"].map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
            #expect(plots[0] == plots[1])
        }

        @Test func aWrongPasswordOrAMissingJournalIsSaidPlainly() async throws {
            let postgres = try await ThrowawayPostgres.started()
            defer { postgres.stop() }
            let url = "\(postgres.url)?sslmode=disable"
            let wrong = try await runScalerd(["journal", "verify", "--journal", url], in: FileManager.default.temporaryDirectory, environment: ["PGPASSWORD": "not-it-77"])
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("password authentication failed"), "\(wrong.stderr)")
            #expect(!wrong.stderr.contains("not-it-77"))
            let empty = try await runScalerd(["journal", "list", "--journal", url], in: FileManager.default.temporaryDirectory, environment: ["PGPASSWORD": postgres.password])
            #expect(empty.status == 1)
            #expect(empty.stderr.contains("no scalerd journal in this database"), "\(empty.stderr)")
            let inURL = try await runScalerd(["journal", "list", "--journal", "postgres://scalerd:hunter2@127.0.0.1/scalerd"], in: FileManager.default.temporaryDirectory)
            #expect(inURL.status != 0)
            #expect(inURL.stderr.contains("the URL carries a password: give it as PGPASSWORD in the environment"), "\(inURL.stderr)")
        }
    }
}
