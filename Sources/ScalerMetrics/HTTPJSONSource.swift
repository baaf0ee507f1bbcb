import Foundation
import ScalerCore
import ScalerPorts
import ScalerHTTP

/// `source: http`: any URL answering JSON, with a JSON Pointer per metric. A pointer that finds
/// nothing leaves that metric unknown; one that finds something other than a non-negative number
/// fails the sample, since a wrong value must never pass for a real one.
public struct HTTPJSONSource: MetricSource {
    public typealias Pointers = MetricFields<JSONPointer>

    let transport: ProviderTransport
    let pointers: Pointers
    let clock: @Sendable () -> Date

    /// `transport`'s base URL is the full metrics URL.
    public init(transport: ProviderTransport, pointers: Pointers, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.transport = transport
        self.pointers = pointers
        self.clock = clock
    }

    public func sample(endpointID: String) async throws(MetricError) -> MetricSample {
        let document: JSON
        do {
            document = try await transport.json(ProviderRequest(.get, ""))
        } catch {
            throw MetricError("http metrics", error)
        }
        return try Self.sample(in: document, pointers: pointers, at: clock())
    }

    static func sample(in document: JSON, pointers: Pointers, at time: Date) throws(MetricError) -> MetricSample {
        MetricSample(
            takenAt: time,
            queueDelay: try number(pointers.queueDelay, in: document),
            queued: try count(pointers.queued, in: document),
            inFlight: try count(pointers.inFlight, in: document),
            readyWorkers: try count(pointers.readyWorkers, in: document)
        )
    }

    private static func number(_ pointer: JSONPointer?, in document: JSON) throws(MetricError) -> Double? {
        guard let pointer, let value = pointer.resolve(in: document), !value.isNull else { return nil }
        guard let number = value.double, number >= 0 else {
            throw MetricError(.malformed, "http metrics: \(pointer) is not a non-negative number")
        }
        return number
    }

    private static func count(_ pointer: JSONPointer?, in document: JSON) throws(MetricError) -> Int? {
        guard let pointer, let number = try number(pointer, in: document) else { return nil }
        guard number == number.rounded(), number <= Double(MetricSample.largestCount) else {
            throw MetricError(.malformed, "http metrics: \(pointer) is not a whole count up to \(MetricSample.largestCount)")
        }
        return Int(number)
    }
}
