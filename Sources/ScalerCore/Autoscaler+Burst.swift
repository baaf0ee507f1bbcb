import Foundation

extension Autoscaler {
    /// Knative's panic mode: while the short window's average load is at least `threshold` times
    /// the ready workers, and for `hold` after, the scale-up window is skipped and nothing is
    /// scaled down.
    static func applyBurst(
        _ pipeline: inout ClampPipeline, burstSeenAt: inout Date?, history: [TimedRecommendation],
        unstabilized: Int, current: Int, ready: Int, burst: BurstPolicy, now: Date
    ) {
        let horizon = now.addingTimeInterval(-burst.window)
        let recent = history.filter { $0.at > horizon && $0.at <= now }.map(\.replicas)
        let load = recent.isEmpty ? 0 : Double(recent.reduce(0, +)) / Double(recent.count)
        let bursting = load > Double(ready) && load >= burst.threshold * Double(max(ready, 1))
        if bursting { burstSeenAt = now }
        guard let seen = burstSeenAt, now.timeIntervalSince(seen) < burst.hold else { return }
        let floor = max(current, unstabilized)
        guard pipeline.value < floor else { return }
        let why = bursting
            ? "average load \(LoadRecommendation.format((load * 10).rounded() / 10)) over \(Seconds(burst.window)) is at least \(LoadRecommendation.format(burst.threshold))x the \(ready) ready worker(s)"
            : "a burst was seen \(Seconds(now.timeIntervalSince(seen))) ago, within burst.hold \(Seconds(burst.hold))"
        pipeline.apply(.burst, floor, why)
    }
}
