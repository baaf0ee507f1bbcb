import Foundation
import ScalerCore

/// An endpoint's newest row this process wrote, with how much of its hold run is on disk: a hold
/// that repeats extends it in memory every evaluation, and on disk once the run has gone
/// `holdWriteInterval` unwritten, when it ends, and at a stop.
struct NewestRow: Sendable {
    var entry: JournalEntry
    /// The run's evaluations the file holds.
    private var writtenRepeats: Int
    /// The decision time as of which the file holds the run; set back by the endpoint's stagger
    /// for a new row, so that endpoints whose runs began in one tick are not all written in one.
    private var writtenAsOf: Date

    init(inserted entry: JournalEntry, holdWriteInterval: TimeInterval) {
        self.entry = entry
        writtenRepeats = entry.repeats
        writtenAsOf = entry.lastAt.addingTimeInterval(-Stagger.fraction(of: entry.endpoint) * holdWriteInterval)
    }

    /// Evaluations kept only in memory: what a crash now would lose.
    var isBehind: Bool { entry.repeats != writtenRepeats }

    func isDue(holdWriteInterval: TimeInterval) -> Bool {
        isBehind && entry.lastAt.timeIntervalSince(writtenAsOf) >= holdWriteInterval
    }

    mutating func markWritten() {
        writtenRepeats = entry.repeats
        writtenAsOf = entry.lastAt
    }

    /// All that extending a run, in memory or on disk, changes: what undoes it.
    struct Extent: Sendable {
        fileprivate let lastAt: Date
        fileprivate let repeats: Int
        fileprivate let queueDelay: (min: Double?, max: Double?)
        fileprivate let queued: (min: Int?, max: Int?)
        fileprivate let inFlight: (min: Int?, max: Int?)
        fileprivate let extensionHash: String?
        fileprivate let writtenRepeats: Int
        fileprivate let writtenAsOf: Date
    }

    var extent: Extent {
        get {
            Extent(
                lastAt: entry.lastAt, repeats: entry.repeats, queueDelay: (entry.queueDelayMin, entry.queueDelayMax),
                queued: (entry.queuedMin, entry.queuedMax), inFlight: (entry.inFlightMin, entry.inFlightMax),
                extensionHash: entry.extensionHash, writtenRepeats: writtenRepeats, writtenAsOf: writtenAsOf
            )
        }
        set {
            (entry.lastAt, entry.repeats) = (newValue.lastAt, newValue.repeats)
            (entry.queueDelayMin, entry.queueDelayMax) = newValue.queueDelay
            (entry.queuedMin, entry.queuedMax) = newValue.queued
            (entry.inFlightMin, entry.inFlightMax) = newValue.inFlight
            entry.extensionHash = newValue.extensionHash
            (writtenRepeats, writtenAsOf) = (newValue.writtenRepeats, newValue.writtenAsOf)
        }
    }
}
