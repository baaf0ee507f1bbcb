import Foundation
import ScalerConfig
import ScalerProviders
import Testing

/// The configuration examples in the docs are real files: each one loads; the provider table is
/// the descriptors' own.
@Suite struct DocumentedConfig {
    private static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs")

    @Test func everyFullYAMLExampleInTheConfigurationReferenceLoads() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("configuration.md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        #expect(!blocks.isEmpty)
        for block in blocks {
            let config = try ConfigLoader.offline(catalog: ProviderModules.catalog).parse(block, file: "docs/configuration.md")
            #expect(!config.endpoints.isEmpty)
        }
    }

    @Test func theProviderTableIsTheOneTheDescriptorsRender() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("configuration.md"), encoding: .utf8)
        let block = text.components(separatedBy: "<!-- providers:begin -->\n").last?.components(separatedBy: "\n<!-- providers:end -->").first
        #expect(block == ProviderModules.catalog.referenceTable(), "regenerate it with `scalerd providers`")
    }
}
