import Foundation
import ScalerCore
@testable import ScalerDaemon
import ScalerHTTP
import ScalerSimulation
import ScalerTestSupport
import Testing

/// A gateway's pushed sample is refused whole, never crashes and never passes a count out of
/// bounds, whatever its body.
@Suite struct HostilePush {
    @Test func mutatedSamplesAreRefusedOrWithinBounds() throws {
        let template: JSON = ["queue_delay": 1.5, "queued": 3, "in_flight": 2, "ready_workers": 4]
        let encoder = JSONEncoder()
        var accepted = 0
        for seed in 0..<UInt64(Hostile.rounds(3_000)) {
            var rng = SplitMix64(seed: seed)
            let body = try encoder.encode(Hostile.mutate(template, rate: 0.4, using: &rng))
            guard case .success(let sample) = PushedSampleParser.parse(body, at: Date()) else { continue }
            accepted += 1
            let counts = [sample.queued, sample.inFlight, sample.readyWorkers].compactMap { $0 }
            #expect(counts.allSatisfy { (0...MetricSample.largestCount).contains($0) }, "seed \(seed)")
            #expect((sample.queueDelay ?? 0).isFinite && (sample.queueDelay ?? 0) >= 0, "seed \(seed)")
        }
        #expect(accepted > 0)
        for raw in ["", "[]", "null", "{", String(repeating: "[", count: 100_000), "{\"queued\": 1e400}", "{\"queued\": 9223372036854775808}"] {
            guard case .failure = PushedSampleParser.parse(Data(raw.utf8), at: Date()) else {
                Issue.record("accepted \(raw.prefix(40))")
                continue
            }
        }
    }
}
