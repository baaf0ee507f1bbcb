import Foundation
import Logging
import ScalerCore
import ScalerHA
import ScalerJournal

/// One leadership change as the log, the journal and the metrics say it.
struct LeadershipReport: Sendable {
    let change: LeadershipChange
    let shards: Shards
    let shard: Int

    init(change: LeadershipChange, shards: Shards, shard: Int = 0) {
        self.change = change
        self.shards = shards
        self.shard = shard
    }

    /// The lease the change concerns, as messages name it: the group's, or one shard's.
    var group: String { shards.lease(shard) }

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
        var detail = LeadershipDetail(change: kind, group: shards.group, epoch: epoch)
        if shards.count > 1 { (detail.shard, detail.shards) = (shard, shards.count) }
        switch change {
        case .acquired(_, let previous?): (detail.previousHolder, detail.previousEpoch) = (previous.holder, previous.epoch)
        case .lost(_, let holder), .standingBy(let holder): (detail.leader, detail.leaderEpoch) = (holder.holder, holder.epoch)
        case .fenced(_, let reason): detail.reason = reason
        case .acquired, .released: break
        }
        return detail.detail
    }
}
