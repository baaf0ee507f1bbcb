import Foundation
import Logging
import ScalerHA
import ScalerJournal

/// One leadership change as the log, the journal and the metrics say it.
struct LeadershipReport: Sendable {
    let change: LeadershipChange
    let group: String

    /// The metric label and the journal detail's `change`.
    var kind: String {
        switch change {
        case .acquired: return "acquired"
        case .fenced: return "fenced"
        case .lost: return "lost"
        case .released: return "released"
        case .standingBy: return "standing_by"
        }
    }

    var level: Logger.Level {
        switch change {
        case .acquired, .released, .standingBy: return .notice
        case .fenced, .lost: return .warning
        }
    }

    var message: String {
        switch change {
        case .acquired(let epoch, let previous):
            return "leading \(group) in epoch \(epoch)" + (previous.map { "; \($0) led before" } ?? "")
        case .fenced(let epoch, let reason):
            return "stopped acting in epoch \(epoch) of \(group): \(reason)"
        case .lost(let epoch, let holder):
            return "lost the lease of \(group) (epoch \(epoch)): \(holder) leads; standing by"
        case .released(let epoch):
            return "released the lease of \(group) (epoch \(epoch)) for a standby to take over"
        case .standingBy(let leader):
            return "standing by in \(group): \(leader) leads"
        }
    }

    /// The term the change concerns: this instance's, or the leader's it stands by for.
    var epoch: Int64 {
        switch change {
        case .acquired(let epoch, _), .fenced(let epoch, _), .lost(let epoch, _), .released(let epoch): return epoch
        case .standingBy(let leader): return leader.epoch
        }
    }

    /// JSON for the journal's event: the change, the term, and the other holder if any.
    var detail: String {
        var detail = Detail(change: kind, group: group, epoch: epoch)
        switch change {
        case .acquired(_, let previous?): (detail.previousHolder, detail.previousEpoch) = (previous.holder, previous.epoch)
        case .lost(_, let holder), .standingBy(let holder): (detail.leader, detail.leaderEpoch) = (holder.holder, holder.epoch)
        case .fenced(_, let reason): detail.reason = reason
        case .acquired, .released: break
        }
        return DaemonEvent.detailJSON(detail)
    }

    private struct Detail: Encodable {
        let change: String
        let group: String
        let epoch: Int64
        var previousHolder: String?
        var previousEpoch: Int64?
        var leader: String?
        var leaderEpoch: Int64?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case change, group, epoch, leader, reason
            case previousHolder = "previous_holder", previousEpoch = "previous_epoch", leaderEpoch = "leader_epoch"
        }
    }
}
