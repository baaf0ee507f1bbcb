import Foundation
import ScalerCore
import ScalerHTTP

/// Reads a gateway's pushed sample: a JSON object of non-negative numbers, at least one of
/// `queue_delay`, `queued`, `in_flight`, `ready_workers`. Anything else is refused whole.
enum PushedSampleParser {
    static let fields = ["queue_delay", "queued", "in_flight", "ready_workers"]

    static func parse(_ data: Data, at time: Date) -> Result<MetricSample, PushError> {
        guard let json = try? JSONDecoder().decode(JSON.self, from: data), let object = json.object else {
            return .failure(PushError("the body must be a JSON object"))
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            return .failure(PushError("unknown field '\(unknown)'; fields: \(fields.joined(separator: ", "))"))
        }
        var values: [String: Double] = [:]
        for (key, value) in object {
            guard let number = value.double, number >= 0, number <= Double(MetricSample.largestCount) else {
                return .failure(PushError("\(key) must be a non-negative number"))
            }
            if key != "queue_delay", number != number.rounded() {
                return .failure(PushError("\(key) must be a whole number"))
            }
            values[key] = number
        }
        guard !values.isEmpty else { return .failure(PushError("push at least one of \(fields.joined(separator: ", "))")) }
        return .success(MetricSample(
            takenAt: time, queueDelay: values["queue_delay"], queued: values["queued"].map { Int($0) },
            inFlight: values["in_flight"].map { Int($0) }, readyWorkers: values["ready_workers"].map { Int($0) }
        ))
    }
}

struct PushError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
