import Foundation
import ScalerCore
import Testing

/// The saved form of an endpoint's state: windows as one string each, old saves still read.
@Suite struct ScalerStateCoding {
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()
    private let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    private func busyState() -> ScalerState {
        ScalerState(
            lastDesired: 4,
            recommendations: (0..<120).map { TimedRecommendation(at: at(Double($0) * 0.5), replicas: $0 % 7) },
            consecutiveFailures: 1, idleSince: at(3), observingSince: at(-600), lastDecisionAt: at(59.5),
            replicaHistory: (0..<60).map { TimedRecommendation(at: at(Double($0)), replicas: 2 + $0 % 3) },
            burstSeenAt: at(12), idleGaps: [4.5, 12], serviceTimes: [2.25, 3],
            arrivalRates: (0..<30).map { TimedRate(at: at(Double($0) * 2), perSecond: Double($0) / 3) }
        )
    }

    @Test func aStateReadsBackAsItWasSaved() throws {
        let state = busyState()
        let decoded = try decoder.decode(ScalerState.self, from: encoder.encode(state))
        #expect(decoded == state)
        #expect(try decoder.decode(ScalerState.self, from: encoder.encode(ScalerState())) == ScalerState())
    }

    @Test func eachWindowIsOneString() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(busyState())) as? [String: Any])
        for key in ["recommendations", "replicaHistory", "arrivalRates"] {
            #expect(object[key] is String, "\(key)")
        }
        let recommendations = try #require(object["recommendations"] as? String)
        #expect(recommendations.hasPrefix("1800000000.0:0 1800000000.5:1 1800000001.0:2 "))
    }

    @Test func aStateSavedBeforeWithArraysOfObjectsIsRead() throws {
        let old = """
            {"lastDesired":2,"recommendations":[{"at":1800000000,"replicas":2},{"at":1800000001.5,"replicas":3}],
             "consecutiveFailures":0,"spend":[],"replicaHistory":[],"coldStart":{"pending":[],"measured":[]},
             "idleGaps":[],"serviceTimes":[],"arrivalRates":[{"at":1800000000,"perSecond":0.25}]}
            """
        let state = try decoder.decode(ScalerState.self, from: Data(old.utf8))
        #expect(state.recommendations == [TimedRecommendation(at: at(0), replicas: 2), TimedRecommendation(at: at(1.5), replicas: 3)])
        #expect(state.arrivalRates == [TimedRate(at: at(0), perSecond: 0.25)])
        #expect(state.lastDesired == 2)
    }

    @Test(arguments: [
        ("recommendations", "1800000000"), ("recommendations", "1800000000:x"), ("recommendations", "1800000000:2.5"),
        ("recommendations", "nan:1"), ("recommendations", "1800000000:-7"), ("recommendations", "1800000000:9223372036854775808"),
        ("recommendations", "1800000000:1e308"), ("replicaHistory", "1800000000:inf"), ("arrivalRates", "1800000000:-0.5"),
    ])
    func aWindowThatIsNotASeriesOfItsValuesIsRefused(key: String, window: String) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(busyState())) as? [String: Any])
        object[key] = window
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try decoder.decode(ScalerState.self, from: data) }
    }
}
