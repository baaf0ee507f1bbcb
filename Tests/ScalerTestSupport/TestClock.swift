import Foundation
import Synchronization

/// A clock the test moves by hand.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(start: Date) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }
    public func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
