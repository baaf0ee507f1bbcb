import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What systemd's side of `$NOTIFY_SOCKET` sees: a datagram socket that keeps every message
/// with the time it arrived. `address` starting with `@` binds an abstract socket.
public final class NotifyListener: Sendable {
    public struct Message: Sendable {
        public let at: ContinuousClock.Instant
        public let fields: [String: String]
        public let text: String
    }

    public let address: String
    private let descriptor: Int32
    private let received = Mutex<[Message]>([])
    private let stopped = Atomic<Bool>(false)

    public init(address: String) throws {
        self.address = address
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NotifyListenerError("socket: errno \(errno)") }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var path = Array(address.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: path) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + path.count + (path.first == 0 ? 0 : 1)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else { throw NotifyListenerError("bind \(address): errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in receiveUntilStopped() }
        thread.start()
    }

    public var messages: [Message] { received.withLock { $0 } }

    /// Messages that set `key` (e.g. `WATCHDOG`), in order.
    public func messages(setting key: String) -> [Message] {
        messages.filter { $0.fields[key] != nil }
    }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func receiveUntilStopped() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !stopped.load(ordering: .relaxed) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { continue }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                fields[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            let message = Message(at: .now, fields: fields, text: text)
            received.withLock { $0.append(message) }
        }
        close(descriptor)
    }
}

public struct NotifyListenerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
