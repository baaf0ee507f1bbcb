import Foundation
import ScalerConfig
import ScalerProviders
import ScalerSimulation
import ScalerTestSupport
import Testing

/// No config value can crash the loader: the inputs that did are refused with a reason, and a
/// seeded fuzzer mutates a valid file hundreds of ways without a crash or an out-of-range value.
@Suite struct HostileConfig {
    private func issues(_ text: String) throws -> [ConfigIssue] {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        return try fixture.issues(text)
    }

    @Test(arguments: ["1:1:1:1:1:1:1:1:1:1:1:1", "9223372036854775807:0", "99999999999999999999", "0x10", "007", ".inf", "1e309"])
    func aNumberThatCrashedTheLoaderIsRefusedWithItsKey(value: String) throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let refused = try issues(fixture.validYAML().replacing("      max_replicas: 10", with: "      max_replicas: \(value)"))
        #expect(refused.map(\.keyPath) == ["endpoints[0].policy.max_replicas"])
        #expect(refused.first?.message.contains("expected a whole number") == true)
    }

    @Test func aBaseSixtyNumberIsNamedAsSuch() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let refused = try issues(fixture.validYAML().replacing("      value: 4\n", with: "      value: 1:30\n"))
        #expect(refused.first?.message.contains("base-60 numbers such as 1:30 are not accepted") == true)
    }

    @Test func deepNestingIsRefusedBeforeTheParserRecurses() throws {
        let deep = "tick: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        #expect(try issues(deep).first?.message == "lists and mappings nested more than 64 deep")
        #expect(try issues(String(repeating: "# padding\n", count: 900_000)).first?.message.contains("larger than 8 MiB") == true)
    }

    @Test(arguments: 0..<8)
    func aMutatedFileLoadsWithinBoundsOrIsRefusedNeverCrashes(batch: Int) throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let valid = fixture.validYAML()
        let lines = valid.components(separatedBy: "\n")
        let perBatch = Hostile.rounds(50)
        for seed in UInt64(batch * perBatch)..<UInt64((batch + 1) * perBatch) {
            var rng = SplitMix64(seed: seed)
            var mutated = lines
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let index = Int(rng.next() % UInt64(mutated.count))
                let line = mutated[index]
                switch rng.next() % 4 {
                case 0, 1:
                    // Replace the value after the line's last ": " (block or flow style).
                    guard let colon = line.range(of: ": ", options: .backwards) else { continue }
                    let tail = line[colon.upperBound...]
                    let end = tail.firstIndex { $0 == "," || $0 == "}" } ?? tail.endIndex
                    mutated[index] = String(line[..<colon.upperBound]) + Hostile.pick(Hostile.yamlScalars, using: &rng) + String(tail[end...])
                case 2:
                    mutated.remove(at: index)
                default:
                    mutated.insert(line, at: index)
                }
            }
            let text = mutated.joined(separator: "\n")
            do {
                let config = try fixture.loader().parse(text, file: "fuzz-\(seed).yaml")
                for endpoint in config.endpoints {
                    #expect((0...1_000_000).contains(endpoint.policy.maxReplicas), "seed \(seed)")
                    #expect(endpoint.policy.minReplicas <= endpoint.policy.maxReplicas, "seed \(seed)")
                    #expect(endpoint.policy.value.isFinite && endpoint.policy.value > 0, "seed \(seed)")
                }
                #expect(config.tick.isFinite && config.tick > 0, "seed \(seed)")
            } catch {
                #expect(!error.issues.isEmpty, "seed \(seed): refused without a reason")
            }
        }
    }
}
