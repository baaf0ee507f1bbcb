import Foundation
import ScalerConfig
import ScalerProviders
import Testing

@Suite struct ConfigFilePermissions {
    @Test(arguments: [(0o664, "its group"), (0o646, "everyone")])
    func aFileOthersMayChangeIsRefusedAndSaysHowToFixIt(mode: Int, who: String) throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let path = try fixture.write(fixture.validYAML())
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        #expect {
            try fixture.loader().load(file: path)
        } throws: { error in
            let issues = (error as? ConfigError)?.issues ?? []
            return issues.count == 1 && issues[0].description
                == "\(path): mode 0\(String(mode, radix: 8)) lets \(who) change it, and the file decides where scalerd sends its API keys; run chmod go-w \(path)"
        }
    }

    @Test func aFileOnlyItsOwnerMayChangeIsAccepted() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let path = try fixture.write(fixture.validYAML())
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        #expect(try fixture.loader().load(file: path).endpoints.count == 2)
    }

    @Test func offlineToolsReadAGroupWritableFile() throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let path = try fixture.write(fixture.validYAML())
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: path)
        #expect(try ConfigLoader.offline(catalog: ProviderModules.catalog).load(file: path).endpoints.count == 2)
    }
}
