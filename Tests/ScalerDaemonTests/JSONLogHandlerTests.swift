import Foundation
import Logging
@testable import ScalerDaemon
import ScalerHTTP
import ScalerPorts
import Synchronization
import Testing

@Suite struct JSONLogs {
    @Test func eachEventIsOneJSONObjectOnOneLine() throws {
        let lines = Mutex<[Data]>([])
        var logger = Logger(label: "scalerd") { label in JSONLogHandler(label: label) { data in lines.withLock { $0.append(data) } } }
        logger[metadataKey: "endpoint"] = "chat-llm"
        logger.info("scale up 1 -> 3: \"quoted\"\nsecond line", metadata: ["desired": "3"])
        let line = try #require(lines.withLock { $0.first })
        #expect(line.last == 0x0A)
        #expect(line.dropLast().firstIndex(of: 0x0A) == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: String])
        #expect(object["msg"] == "scale up 1 -> 3: \"quoted\"\nsecond line")
        #expect(object["level"] == "info")
        #expect(object["endpoint"] == "chat-llm")
        #expect(object["desired"] == "3")
        #expect(object["ts"]?.hasSuffix("Z") == true)
    }
}
