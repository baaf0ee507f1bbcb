import Foundation
import Logging
import ScalerJournal
import ScalerProviders

/// The pool ledger kept in the journal: restored from its recent pool events at start, and every
/// change written back, so that a restart neither forgets an instance being created nor makes a
/// second one.
enum JournalPoolLedger {
    /// Older entries have long been settled or forgotten.
    static let restoreWindow: TimeInterval = 3_600

    static func make(journal: any JournalStore, now: Date, logger: Logger) async -> PoolLedger {
        var restored: [PoolLedger.Event] = []
        do {
            restored = try await journal.poolEvents(since: now.addingTimeInterval(-restoreWindow)).compactMap(event(from:))
        } catch {
            logger.error("cannot restore instance pools' pending operations from the journal; pools are counted from their listings only", metadata: ["error": "\(error)"])
        }
        return PoolLedger(restoring: restored) { event, at in
            do {
                try await journal.recordPoolEvent(record(event, at: at))
            } catch {
                logger.error("cannot journal an instance pool's operation; it is remembered until the daemon stops", metadata: ["error": "\(error)"])
            }
        }
    }

    static func record(_ event: PoolLedger.Event, at time: Date) -> PoolEventRecord {
        switch event {
        case .createSent(let creation), .created(let creation):
            let kind: PoolEventRecord.Event
            if case .createSent = event { kind = .createSent } else { kind = .created }
            return PoolEventRecord(
                at: time, pool: creation.pool, event: kind, instanceName: creation.name, instanceID: creation.instanceID,
                operationID: creation.operationID, ambiguous: creation.ambiguous
            )
        case .createSettled(let pool, let name, let why):
            return PoolEventRecord(at: time, pool: pool, event: .createSettled, instanceName: name, detail: why)
        case .releaseSent(let release):
            return PoolEventRecord(at: time, pool: release.pool, event: .releaseSent, instanceID: release.instanceID)
        case .releaseSettled(let pool, let instanceID, let why):
            return PoolEventRecord(at: time, pool: pool, event: .releaseSettled, instanceID: instanceID, detail: why)
        }
    }

    static func event(from record: PoolEventRecord) -> PoolLedger.Event? {
        switch record.event {
        case .createSent, .created:
            guard let name = record.instanceName else { return nil }
            let creation = PoolLedger.Creation(
                pool: record.pool, name: name, instanceID: record.instanceID, operationID: record.operationID,
                requestedAt: record.at, ambiguous: record.ambiguous
            )
            return record.event == .created ? .created(creation) : .createSent(creation)
        case .createSettled:
            return record.instanceName.map { .createSettled(pool: record.pool, name: $0, why: record.detail ?? "") }
        case .releaseSent:
            return record.instanceID.map { .releaseSent(PoolLedger.Release(pool: record.pool, instanceID: $0, requestedAt: record.at)) }
        case .releaseSettled:
            return record.instanceID.map { .releaseSettled(pool: record.pool, instanceID: $0, why: record.detail ?? "") }
        }
    }
}
