import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// systemd's notify protocol, spoken without libsystemd: one datagram of `KEY=value` lines to
/// the socket named by `$NOTIFY_SOCKET` (a leading `@` names an abstract socket). Without
/// `$NOTIFY_SOCKET` (not run by systemd) every call does nothing.
struct SystemdNotifier: Sendable {
    /// The socket address, `nil` when not run under `Type=notify`.
    let socketPath: String?
    /// Half of `$WATCHDOG_USEC`, the most often `WATCHDOG=1` is sent; `nil` without a watchdog.
    let watchdogInterval: Duration?

    init(environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid()) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        // WATCHDOG_PID, when set, says which process the watchdog is for: a child must not ping.
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
        if forUs, socketPath != nil, let text = environment["WATCHDOG_USEC"], let micros = Int64(text), micros > 0 {
            watchdogInterval = .microseconds(micros / 2)
        } else {
            watchdogInterval = nil
        }
    }

    func ready(status: String) {
        send(["READY=1", "STATUS=\(status)"])
    }

    func status(_ text: String) {
        send(["STATUS=\(text)"])
    }

    /// Reloading starts now; `ready(status:)` ends it, whether the new file was applied or not.
    func reloading() {
        send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())", "STATUS=reloading the configuration"])
    }

    func stopping() {
        send(["STOPPING=1", "STATUS=stopping: finishing the tick in flight and flushing the journal"])
    }

    func watchdog() {
        send(["WATCHDOG=1"])
    }

    /// Sends one datagram; a failure is returned for tests and otherwise ignored, since the
    /// daemon's work must not depend on systemd listening.
    @discardableResult
    func send(_ lines: [String]) -> Bool {
        guard let socketPath else { return false }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            bytes.copyBytes(from: path)
        }
        // An abstract name is exactly its bytes; a path also carries its terminating NUL.
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (path.first == 0 ? 0 : 1)
        let message = Array(lines.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { bytes in
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, socklen_t(length))
                }
            }
        }
        return sent == message.count
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}

/// Sends `WATCHDOG=1` after completed ticks, but not more often than half the watchdog interval:
/// a loop that stops completing ticks stops the pings, and systemd restarts it.
struct WatchdogPacer {
    let interval: Duration
    private var lastPing: ContinuousClock.Instant?

    init(interval: Duration) {
        self.interval = interval
    }

    /// Whether a completed tick at `now` should ping.
    mutating func tickCompleted(at now: ContinuousClock.Instant) -> Bool {
        if let lastPing, now - lastPing < interval { return false }
        lastPing = now
        return true
    }
}
