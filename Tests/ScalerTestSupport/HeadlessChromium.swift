import Foundation

/// Debian's Chromium, headless, to check that generated pages really render.
public struct HeadlessChromium: Sendable {
    public let binary: String

    public static func find() -> HeadlessChromium? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
            .map(HeadlessChromium.init(binary:))
    }

    /// The DOM after parsing and layout, as Chromium serializes it.
    public func dumpDOM(of page: URL) async throws -> String {
        try await run(["--dump-dom", page.absoluteString]).stdout
    }

    public func screenshot(of page: URL, to file: URL, size: String = "1000,2400") async throws {
        _ = try await run(["--screenshot=\(file.path)", "--window-size=\(size)", page.absoluteString])
    }

    private func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        // Root in CI has no user namespace sandbox; the page is our own file.
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(FileManager.default.temporaryDirectory.path)/scalerd-chromium-\(UUID().uuidString)"]
        return try await ChildProcess.run(URL(fileURLWithPath: binary), flags + arguments)
    }
}
