import Foundation
import Synchronization

/// "simulating: 42%" on stderr, rewritten in place; only when stderr is a terminal, so that logs
/// and pipes stay clean.
final class ProgressLine: Sendable {
    private let lastShown = Mutex(-1)

    static func makeIfTerminal() -> (@Sendable (Double) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        let line = ProgressLine()
        return { line.show($0) }
    }

    func show(_ share: Double) {
        let percent = Int(share * 100)
        let changed = lastShown.withLock { last in
            guard percent != last else { return false }
            last = percent
            return true
        }
        guard changed else { return }
        let text = percent >= 100 ? "\r\u{1B}[K" : "\rsimulating: \(percent)%"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
