import Foundation
import ScalerCore
import ScalerJournal

// Prints what the journal's write path costs, for scripts/bench-controller.sh:
//   journal-bench PATH ROWS ENDPOINTS
// writes ROWS decision rows over ENDPOINTS endpoints, a thousand per transaction, and times the
// extension of a hold run (one transaction each, as a tick of one endpoint) before and after, so
// that its cost can be compared at 100 rows per endpoint and at ROWS / ENDPOINTS.

let arguments = CommandLine.arguments
guard arguments.count == 4, let rows = Int(arguments[2]), let endpointCount = Int(arguments[3]), rows > 0, (1...1_000_000).contains(endpointCount) else {
    FileHandle.standardError.write(Data("usage: journal-bench PATH ROWS ENDPOINTS\n".utf8))
    exit(2)
}
// The first extension is timed at 100 rows per endpoint: the rest are the ones written at speed.
guard rows > 100 * endpointCount else {
    FileHandle.standardError.write(Data("journal-bench: ROWS (\(rows)) must be more than 100 x ENDPOINTS (\(100 * endpointCount)), the rows written before the first extension is timed\n".utf8))
    exit(2)
}
let path = arguments[1]
let journal = try Journal(path: path)
let endpoints = (0..<endpointCount).map { String(format: "ep%05d", $0) }
// In the past, so that the journal commands' default ranges (up to now) see every row.
let start = Date(timeIntervalSince1970: 1_750_000_000)

/// One decision: a scale (a new row every time) or a hold (which extends the open run).
func entry(_ endpoint: String, tick: Int, hold: Bool) -> JournalEntry {
    let at = start.addingTimeInterval(Double(tick))
    let replicas = hold ? 3 : 2 + tick % 2
    let sample = MetricSample(takenAt: at, queueDelay: Double(tick % 7), queued: tick % 5, inFlight: 4, readyWorkers: replicas)
    let clamp = Clamp(kind: .stepLimit, before: replicas + 2, after: replicas + 1, detail: "at most 1 per 30s")
    let decision = Decision(
        at: at, currentReplicas: replicas, metricStatus: .fresh, metricAge: 1, rawRecommendation: replicas + 1, clamps: hold ? [] : [clamp],
        desiredReplicas: hold ? replicas : replicas + 1, action: hold ? .hold : .scaleUp,
        reason: hold ? "within the target" : "queue delay above 4s", nextState: ScalerState()
    )
    return JournalEntry(
        decision: decision, observation: Observation(metrics: .sample(sample), currentReplicas: replicas),
        endpoint: endpoint, provider: "sim", mode: "enforce", policyVersion: "0123456789abcdef",
        outcome: hold ? .unchanged : .applied, providerLatency: 0.012
    )
}

var tick = 0
@MainActor func seconds(_ work: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try await clock.measure { try await work() }
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Microseconds per extension of one endpoint's open hold run.
@MainActor func extensionCost(repeats: Int) async throws -> Double {
    let endpoint = endpoints[0]
    try await journal.append([entry(endpoint, tick: tick, hold: true)])
    tick += 1
    let elapsed = try await seconds {
        for _ in 0..<repeats {
            try await journal.append([entry(endpoint, tick: tick, hold: true)])
            tick += 1
        }
    }
    return elapsed / Double(repeats) * 1e6
}

/// Rows written a thousand per transaction, the endpoints in turn, each a scale (a new row).
@MainActor func writeRows(_ count: Int) async throws -> Double {
    var written = 0
    return try await seconds {
        while written < count {
            let batch = (0..<min(1_000, count - written)).map { offset in
                entry(endpoints[(written + offset) % endpoints.count], tick: tick + offset / endpoints.count, hold: false)
            }
            try await journal.append(batch)
            tick += (batch.count + endpoints.count - 1) / endpoints.count
            written += batch.count
        }
    }
}

let early = max(0, 100 * endpointCount - 1)
_ = try await writeRows(early)
let extensionEarly = try await extensionCost(repeats: 2_000)
let bulk = rows - early
let bulkSeconds = try await writeRows(bulk)
let extensionLate = try await extensionCost(repeats: 2_000)
print(String(format: "rows %d, endpoints %d: %.0f decisions/s written; hold extension %.1f us at 100 rows per endpoint, %.1f us at %d",
             rows, endpointCount, Double(bulk) / bulkSeconds, extensionEarly, extensionLate, rows / endpointCount))
