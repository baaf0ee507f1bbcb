import Foundation
import ScalerSimulation
import Testing

@Suite struct TraceReading {
    @Test func azureRowsBecomeSecondsFromTheFirstArrivalWithTokens() throws {
        let text = "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,44\r\n2023-11-16 18:15:50.9951690,396,109\r\n"
        let trace = try TraceReader.parse(text, file: "conv.csv")
        #expect(trace.requests.count == 2)
        #expect(trace.requests[0] == TraceRequest(arrival: 0, promptTokens: 374, outputTokens: 44))
        #expect(abs(trace.requests[1].arrival - 4.314579) < 1e-6)
    }

    @Test func azureTimestampsCrossMidnightAndMonthEnds() throws {
        let text = "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-02-29 23:59:59.5,1,1\n2024-03-01 00:00:00.5,1,1\n"
        let trace = try TraceReader.parse(text, file: "t.csv")
        #expect(abs(trace.requests[1].arrival - 1) < 1e-9)
    }

    @Test func mooncakeLinesAreMillisecondsWithTokenCounts() throws {
        let text = """
        {"timestamp": 0, "input_length": 6955, "output_length": 52, "hash_ids": [1, 2]}
        {"timestamp": 1500, "input_length": 100, "output_length": 7}
        """
        let trace = try TraceReader.parse(text, file: "mooncake.jsonl")
        #expect(trace.requests.map(\.arrival) == [0, 1.5])
        #expect(trace.requests[1].promptTokens == 100 && trace.requests[1].outputTokens == 7)
    }

    @Test func arrivalCSVTakesAnOptionalHeaderAndServiceTimes() throws {
        let trace = try TraceReader.parse("arrival,service_time\n10,2.5\n11.5,1\n# a comment\n\n12\n", file: "a.csv")
        #expect(trace.requests == [
            TraceRequest(arrival: 0, serviceTime: 2.5), TraceRequest(arrival: 1.5, serviceTime: 1), TraceRequest(arrival: 2),
        ])
    }

    @Test(arguments: [
        ("", "empty.csv: the file is empty: no requests"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n", "empty.csv: no requests, only a header or comments"),
        ("1\n3\n2\n", "empty.csv:3: arrival is earlier than line 2's: the trace must be sorted by arrival time"),
        ("1\nsoon\n", "empty.csv:2: arrival 'soon' is not a number of seconds, 0 or more"),
        ("1,0\n", "empty.csv:1: service_time '0' is not a positive number of seconds"),
        ("1,2,3\n", "empty.csv:1: expected arrival[,service_time], found 3 fields"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,12\n", "empty.csv:2: expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), found 2"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-13-16 18:15:46,1,2\n", "empty.csv:2: TIMESTAMP '2023-13-16 18:15:46' is not 'YYYY-MM-DD HH:MM:SS[.fraction]'"),
        ("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,-1,2\n", "empty.csv:2: ContextTokens '-1' is not a whole number, 0 or more"),
        ("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n{\"timestamp\": 5\n", "empty.csv:2: expected a JSON object with numbers timestamp (ms), input_length and output_length"),
    ])
    func badTraceFilesNameTheLineAndTheProblem(text: String, message: String) {
        #expect(throws: TraceError.self) { try TraceReader.parse(text, file: "empty.csv") }
        do {
            _ = try TraceReader.parse(text, file: "empty.csv")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: TraceError(file: "/nonexistent/trace.csv", message: "no such file")) {
            try TraceReader.read(file: "/nonexistent/trace.csv")
        }
    }

    @Test func theSharedAzureTraceReadsCompletely() throws {
        let trace = try TraceReader.read(file: Fixtures.azureTrace)
        #expect(trace.requests.count == 19_366)
        #expect(trace.span > 3_400 && trace.span < 3_600)
    }
}

@Suite struct BurstyTraces {
    @Test func theSameSeedGivesTheSameTrace() {
        let generator = BurstyTraceGenerator(duration: 3_600, seed: 9)
        #expect(generator.generate().requests == generator.generate().requests)
        #expect(BurstyTraceGenerator(duration: 3_600, seed: 10).generate().requests != generator.generate().requests)
    }

    @Test func burstsAreSeparatedByIdleMinutes() {
        let arrivals = BurstyTraceGenerator(duration: 4 * 3_600, seed: 3).generate().requests.map(\.arrival)
        let longGaps = zip(arrivals, arrivals.dropFirst()).filter { $1 - $0 > 60 }.count
        var peak = 0, start = 0
        for (index, arrival) in arrivals.enumerated() {
            while arrivals[start] < arrival - 1 { start += 1 }
            peak = max(peak, index - start + 1)
        }
        let mean = Double(arrivals.count) / (arrivals.last! - arrivals.first!)
        #expect(longGaps >= 5)
        #expect(Double(peak) > 10 * mean, "one-second peaks far above the mean rate")
    }
}

enum Fixtures {
    static let azureTrace: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("traces/AzureLLMInferenceTrace_conv.csv").path
    }()
}
