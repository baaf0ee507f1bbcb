import ScalerHTTP
import ScalerPorts

/// PPIO's and Novita's `policy {type, value}`: `queue` (seconds of waiting) or `concurrency`
/// (requests), a whole number either way; Novita v1 answers the value as a string.
extension ProviderScaler {
    init?(policy: JSON?) {
        guard let value = policy?["value"]?.int else { return nil }
        switch policy?["type"]?.string {
        case "queue": self = .queueDelay(Double(value))
        case "concurrency": self = .requestCount(value)
        default: return nil
        }
    }

    /// Already normalized to a whole number by the API's limits.
    var policy: JSON {
        switch self {
        case .queueDelay(let seconds): return ["type": "queue", "value": JSON(Int(seconds.rounded(.up)))]
        case .requestCount(let count): return ["type": "concurrency", "value": JSON(count)]
        }
    }
}
