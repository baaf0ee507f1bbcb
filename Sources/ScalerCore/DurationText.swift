/// Durations as operators write them, the shortest exact spelling: `90` -> `1m30s`, `0.25` -> `250ms`.
public enum DurationText {
    public static func compact(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "\(seconds)s" }
        // Past a thousand years a count of seconds is no longer an operator's duration.
        guard seconds < 3.2e10 else { return "\(seconds)s" }
        guard seconds == seconds.rounded(), seconds >= 1 else {
            return seconds == 0 ? "0s" : "\(Int((seconds * 1000).rounded()))ms"
        }
        var remaining = Int(seconds)
        var text = ""
        for (suffix, size) in [("h", 3600), ("m", 60), ("s", 1)] where remaining >= size {
            text += "\(remaining / size)\(suffix)"
            remaining %= size
        }
        return text
    }
}
