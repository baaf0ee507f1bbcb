/// What a call that its phase's deadline cancelled reports (`TickPhase`).
struct DeadlineExceeded: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "no answer within \(seconds)s" }
}
