import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// TCP connections opened to a port and left idle, as a crowd (or an attack) leaves them; the
/// connects do not wait for the server to accept.
public struct IdleConnections: Sendable {
    public let sockets: [Int32]

    public init(port: Int, count: Int) {
        var sockets: [Int32] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            sockets.append(fd)
        }
        self.sockets = sockets
    }

    public func close() {
        for fd in sockets { Glibc.close(fd) }
    }
}

/// How many files a process has open now.
public func openFiles(pid: Int32) -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
}
