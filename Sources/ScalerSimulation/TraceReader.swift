import Foundation

/// The trace file formats `scalerd simulate` reads.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// Azure LLM inference trace: `TIMESTAMP,ContextTokens,GeneratedTokens`.
    case azure
    /// Mooncake JSON lines: `{"timestamp": ms, "input_length": n, "output_length": n}`.
    case mooncake
    /// CSV of arrival seconds, optionally with service seconds: `arrival[,service_time]`.
    case arrivals
}

/// Reads a trace file into sorted requests, or names the first line that is wrong.
public enum TraceReader {
    public static func read(file: String, format: TraceFormat? = nil) throws(TraceError) -> Trace {
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot read the file" : "no such file"
            throw TraceError(file: file, message: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TraceError(file: file, message: "not UTF-8 text")
        }
        return try parse(text, file: file, format: format)
    }

    public static func parse(_ text: String, file: String, format: TraceFormat? = nil) throws(TraceError) -> Trace {
        var lines = TraceLines(text)
        guard let first = lines.peekContent() else { throw TraceError(file: file, message: "the file is empty: no requests") }
        let format = format ?? detect(firstLine: first)
        var requests: [TraceRequest] = []
        var previous: (arrival: Double, line: Int)?
        var origin: Double?
        var parser = LineParser(format: format, file: file)
        while let (number, line) = lines.next() {
            guard var request = try parser.parse(line, number: number) else { continue }
            if let previous, request.arrival < previous.arrival {
                throw TraceError(file: file, line: number, message: "arrival is earlier than line \(previous.line)'s: the trace must be sorted by arrival time")
            }
            previous = (request.arrival, number)
            let start = origin ?? request.arrival
            origin = start
            request.arrival -= start
            requests.append(request)
        }
        guard !requests.isEmpty else { throw TraceError(file: file, message: "no requests, only a header or comments") }
        return Trace(name: (file as NSString).lastPathComponent, requests: requests)
    }

    static func detect(firstLine: Substring) -> TraceFormat {
        if firstLine.hasPrefix("{") { return .mooncake }
        if firstLine.lowercased().contains("contexttokens") { return .azure }
        return .arrivals
    }
}

/// Numbered lines without their line ends; blank lines and `#` comments are skipped.
struct TraceLines {
    private let lines: [Substring]
    private var index = 0

    init(_ text: String) {
        // "\r\n" is one Character in Swift: split on both forms of a line end.
        lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    func peekContent() -> Substring? {
        lines.lazy.map(Self.trimmed).first { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    mutating func next() -> (Int, Substring)? {
        while index < lines.count {
            let line = Self.trimmed(lines[index])
            index += 1
            if !line.isEmpty && !line.hasPrefix("#") { return (index, line) }
        }
        return nil
    }

    private static func trimmed(_ line: Substring) -> Substring {
        var line = line
        while let last = line.last, last == "\r" || last == " " || last == "\t" { line = line.dropLast() }
        while let first = line.first, first == " " || first == "\t" || first == "\u{FEFF}" { line = line.dropFirst() }
        return line
    }
}

/// Turns one line of a given format into a request; `nil` for the header line.
private struct LineParser {
    let format: TraceFormat
    let file: String
    private var sawFirstLine = false
    private let decoder = JSONDecoder()

    init(format: TraceFormat, file: String) {
        self.format = format
        self.file = file
    }

    private struct MooncakeRow: Decodable {
        var timestamp: Double
        var input_length: Int
        var output_length: Int
    }

    mutating func parse(_ line: Substring, number: Int) throws(TraceError) -> TraceRequest? {
        let isFirst = !sawFirstLine
        sawFirstLine = true
        switch format {
        case .azure:
            if isFirst {
                guard line.lowercased().hasPrefix("timestamp,contexttokens,generatedtokens") else {
                    throw TraceError(file: file, line: number, message: "expected the header TIMESTAMP,ContextTokens,GeneratedTokens")
                }
                return nil
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 3 else { throw failure(number, "expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), found \(fields.count)") }
            guard let seconds = TraceTimestamp.seconds(fields[0]) else { throw failure(number, "TIMESTAMP '\(fields[0])' is not 'YYYY-MM-DD HH:MM:SS[.fraction]'") }
            return TraceRequest(arrival: seconds, promptTokens: try tokens(fields[1], "ContextTokens", number), outputTokens: try tokens(fields[2], "GeneratedTokens", number))
        case .mooncake:
            let row: MooncakeRow
            do {
                row = try decoder.decode(MooncakeRow.self, from: Data(line.utf8))
            } catch {
                throw failure(number, "expected a JSON object with numbers timestamp (ms), input_length and output_length")
            }
            guard row.timestamp.isFinite, row.timestamp >= 0 else { throw failure(number, "timestamp must be a number of milliseconds, 0 or more") }
            guard row.input_length >= 0, row.output_length >= 0 else { throw failure(number, "input_length and output_length must be 0 or more") }
            return TraceRequest(arrival: row.timestamp / 1000, promptTokens: row.input_length, outputTokens: row.output_length)
        case .arrivals:
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if isFirst, Double(fields[0]) == nil, fields[0].lowercased().hasPrefix("arrival") { return nil }
            guard fields.count <= 2 else { throw failure(number, "expected arrival[,service_time], found \(fields.count) fields") }
            guard let arrival = Double(fields[0]), arrival.isFinite, arrival >= 0 else { throw failure(number, "arrival '\(fields[0])' is not a number of seconds, 0 or more") }
            var service: Double?
            if fields.count == 2 {
                guard let value = Double(fields[1]), value.isFinite, value > 0 else { throw failure(number, "service_time '\(fields[1])' is not a positive number of seconds") }
                service = value
            }
            return TraceRequest(arrival: arrival, serviceTime: service)
        }
    }

    private func tokens(_ field: Substring, _ name: String, _ number: Int) throws(TraceError) -> Int {
        guard let value = Int(field), value >= 0 else { throw failure(number, "\(name) '\(field)' is not a whole number, 0 or more") }
        return value
    }

    private func failure(_ number: Int, _ message: String) -> TraceError {
        TraceError(file: file, line: number, message: message)
    }
}
