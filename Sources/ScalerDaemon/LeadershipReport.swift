import Foundation
import Logging
import ScalerHA
import ScalerJournal

/// One leadership change as the log, the journal and the metrics say it.
struct LeadershipReport: Sendable {
    let change: LeadershipChange
    let group: String

    /// The journal's name for the change, and the metric's label.
    var kind: LeadershipDetail.Change {
        switch change {
        case .acquired: return .acquired
        case .fenced: return .fenced
        case .lost: return .lost
        case .released: return .released
        case .standingBy: return .standingBy
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
        var detail = LeadershipDetail(change: kind, group: group, epoch: epoch)
        switch change {
        case .acquired(_, let previous?): (detail.previousHolder, detail.previousEpoch) = (previous.holder, previous.epoch)
        case .lost(_, let holder), .standingBy(let holder): (detail.leader, detail.leaderEpoch) = (holder.holder, holder.epoch)
        case .fenced(_, let reason): detail.reason = reason
        case .acquired, .released: break
        }
        return detail.detail
    }
}
