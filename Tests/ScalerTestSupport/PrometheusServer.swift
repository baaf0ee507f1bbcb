import Foundation

/// A real Prometheus server (Debian's `prometheus` package) on a free loopback port, scraping
/// one target every second, for as long as the value lives.
public final class PrometheusServer {
    public let url: String
    private let process = Process()
    private let directory: URL

    public static var binary: String {
        ProcessInfo.processInfo.environment["PROMETHEUS_BINARY"] ?? "/usr/bin/prometheus"
    }

    /// Starts Prometheus scraping `target` (`host:port`) and waits until it has a sample.
    public init(scraping target: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw PrometheusUnavailable(message: "no Prometheus at \(Self.binary): apt-get install prometheus (.ci/run does)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scalerd-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            scrape_configs:
              - job_name: exporter
                static_configs: [ { targets: ["\(target)"] } ]
            """
        let configPath = directory.appendingPathComponent("prometheus.yml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let port = try FreePort.find()
        url = "http://127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--config.file=\(configPath)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=error",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Polls an instant query until Prometheus answers it with a value.
    public func waitForSample(of query: String, within seconds: Double = 30) async -> Bool {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        return await DaemonProcess.eventually(within: seconds) {
            guard let url = URL(string: "\(url)/api/v1/query?query=\(encoded)"),
                  let (data, _) = try? await URLSession.shared.data(from: url) else { return false }
            return String(decoding: data, as: UTF8.self).contains("\"value\"")
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

public struct PrometheusUnavailable: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A loopback port nobody listens on now (bound, read, released).
public enum FreePort {
    public static func find() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PrometheusUnavailable(message: "socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0 else { throw PrometheusUnavailable(message: "bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
