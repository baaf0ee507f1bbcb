import Foundation
import GRDB
import ScalerTestSupport
import Testing

/// `scalerd journal verify` and `prune`, run as an auditor and an operator run them.
extension ChildProcesses {
    @Suite struct JournalAuditCommands {
        @Test func verifyNamesARowEditedBehindScalerdsBack() async throws {
            let directory = try scratchDirectory("verify")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)

            let intact = try await runScalerd(["journal", "verify", "--journal", path], in: directory)
            #expect(intact.status == 0, "\(intact.stderr)")
            #expect(intact.stdout == "\(path): intact, 4 row(s) and 0 daemon event(s) checked\n")

            // Anyone who can write the file can drop the triggers and rewrite history...
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "DROP TRIGGER decision_append_only_update")
                try db.execute(sql: "UPDATE decision SET desired = 40, reason = 'nothing to see' WHERE id = 3")
            }
            try queue.close()
            // ...but not without the chain saying where.
            let broken = try await runScalerd(["journal", "verify", "--journal", path], in: directory)
            #expect(broken.status == 1)
            #expect(broken.stdout == "\(path): BROKEN at row 3: row 3 does not match its hash: what it records was changed (or it was written) after the fact\n")
        }

        @Test func pruneRemovesOldRowsRecordsItAndLeavesAVerifiableChain() async throws {
            let directory = try scratchDirectory("prune")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)

            let pruned = try await runScalerd(["journal", "prune", "--journal", path, "--before", "1h"], in: directory)
            #expect(pruned.status == 0, "\(pruned.stderr)")
            #expect(pruned.stdout == "\(path): removed 2 row(s), up to ID 2; the prune is recorded in journal_prune\n")
            let verified = try await runScalerd(["journal", "verify", "--journal", path], in: directory)
            #expect(verified.stdout == "\(path): intact, 2 row(s) and 0 daemon event(s) checked, continuing from 1 recorded prune(s)\n")

            let nothing = try await runScalerd(["journal", "prune", "--journal", path, "--before", "2h"], in: directory)
            #expect(nothing.stdout.contains("nothing removed"))
            let bad = try await runScalerd(["journal", "prune", "--journal", path, "--before", "last week"], in: directory)
            #expect(bad.status != 0 && bad.stderr.contains("--before 'last week' is neither now, a duration ago"))
        }
    }
}

/// `scalerd journal export` and `stats`.
extension ChildProcesses {
    @Suite struct JournalReports {
        @Test func exportWritesEveryMatchingRowAsJSONLinesWithItsHashes() async throws {
            let directory = try scratchDirectory("export")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)
            let result = try await runScalerd(["journal", "export", "--journal", path, "--endpoint", "chat"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try result.stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(rows.count == 3)
            #expect(rows.allSatisfy { ($0["hash"] as? String)?.count == 64 && $0["endpoint"] as? String == "chat" })
            let csv = try await runScalerd(["journal", "export", "--journal", path, "--format", "csv"], in: directory)
            #expect(csv.stdout.split(separator: "\n").count == 5)
            #expect(csv.stdout.hasPrefix("id,at,") && csv.stdout.split(separator: "\n")[0].hasSuffix(",prev_hash,hash,extension_hash"))
        }

        @Test func statsTellTimeAtEachCountWorkerSecondsAndScaleEvents() async throws {
            let directory = try scratchDirectory("stats")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)
            // chat: 3 from 180 to 30 minutes ago, 1 until 5 minutes ago, 4 since.
            let result = try await runScalerd(["journal", "stats", "--journal", path, "--endpoint", "chat", "--since", "4h", "--format", "json"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let stats = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            let chat = try #require(stats.first)
            #expect(chat["scale_ups"] as? Int == 2 && chat["scale_downs"] as? Int == 1 && chat["evaluations"] as? Int == 3)
            let workerSeconds = try #require(chat["worker_seconds"] as? Double)
            // The last count runs on until the command's own now, seconds after the rows were written.
            let minutes: Double = 3 * 150 + 1 * 25 + 4 * 5
            let written = minutes * 60
            #expect(workerSeconds >= written - 1 && workerSeconds < written + 4 * 60, "\(workerSeconds)")
            let text = try await runScalerd(["journal", "stats", "--journal", path, "--since", "4h"], in: directory)
            #expect(text.stdout.contains("chat, ") && text.stdout.contains("embed, ") && text.stdout.contains("time at each replica count:"))
            #expect(text.stdout.contains("    3    2h30m ("), "\(text.stdout)")
        }
    }
}

/// `scalerd journal plot`, looked at in a real browser.
extension ChildProcesses {
    @Suite struct JournalPlotting {
        @Test func thePlotShowsReplicasDelayAndConcurrencyWithEachScaleEventAndRendersInABrowser() async throws {
            let directory = try scratchDirectory("plot")
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try await journalWithHistory(in: directory)
            let chart = directory.appendingPathComponent("chat.svg")
            let result = try await runScalerd(["journal", "plot", "--journal", path, "--endpoint", "chat", "--since", "4h", "-o", chart.path], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let svg = try String(contentsOf: chart, encoding: .utf8)
            #expect(svg.components(separatedBy: "<svg ").count == 1 + 1 + 3, "one document, three charts")
            #expect(svg.contains("3 row(s), 3 scale event(s)"))
            #expect(svg.components(separatedBy: "class=\"marker\"").count == 1 + 3 * 3, "each scale event marked on each chart")
            #expect(!svg.contains("<script") && !svg.contains("href="), "self-contained")

            let browser = try #require(HeadlessChromium.find(), "Chromium is needed to check the plot (.ci/run installs it)")
            let dom = try await browser.dumpDOM(of: chart)
            #expect(dom.contains("queue delay") && dom.contains("in flight + queued") && dom.contains("desired"))
            let screenshot = directory.appendingPathComponent("chat.png")
            try await browser.screenshot(of: chart, to: screenshot, size: "920,560")
            let png = try Data(contentsOf: screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(png.count > 15_000, "a blank page compresses to a few kilobytes; three charts do not")

            let unknown = try await runScalerd(["journal", "plot", "--journal", path, "--endpoint", "nope", "-o", chart.path], in: directory)
            #expect(unknown.status == 1 && unknown.stderr.contains("no decisions of 'nope'"))
        }
    }
}
