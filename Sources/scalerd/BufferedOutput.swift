import Foundation

/// Standard output written in large blocks: an export of a million rows is printed as it is
/// read, never held whole.
struct BufferedOutput {
    private var buffer: [UInt8] = []
    private let blockSize = 1 << 16

    init() {
        buffer.reserveCapacity(blockSize)
    }

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= blockSize { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
