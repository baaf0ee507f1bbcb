import Foundation
import ScalerJournal

/// The rows of a journal a daemon process writes, or none while it is still being made: the file
/// exists a moment before its tables do.
func journalRows(at path: String) throws -> [JournalEntry] {
    guard FileManager.default.fileExists(atPath: path), let reader = try? JournalReader(path: path), (try? reader.count()) != nil else {
        return []
    }
    return try reader.entries(JournalQuery())
}
