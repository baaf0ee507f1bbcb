import Foundation

/// Debian's Chromium, headless, to check that generated pages really render.
public struct HeadlessChromium: Sendable {
    public let binary: String

    public static func find() -> HeadlessChromium? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
            .map(HeadlessChromium.init(binary:))
    }

    /// The DOM after parsing and layout, as Chromium serializes it.
    public func dumpDOM(of page: URL) throws -> String {
        try run(["--dump-dom", page.absoluteString]).stdout
    }

    public func screenshot(of page: URL, to file: URL, size: String = "1000,2400") throws {
        _ = try run(["--screenshot=\(file.path)", "--window-size=\(size)", page.absoluteString])
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // Root in CI has no user namespace sandbox; the page is our own file.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(FileManager.default.temporaryDirectory.path)/scalerd-chromium-\(UUID().uuidString)"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
