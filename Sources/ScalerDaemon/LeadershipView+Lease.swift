import Foundation
import ScalerHA

extension DaemonStatus.LeadershipView {
    /// What `status` shows of `lease` after a tick's claims: with shards, the instance leads if
    /// it leads any, and each shard is listed.
    init(_ lease: LeaderLease, acting: Acting, lastChange: String?, lastChangeAt: Date?) {
        let reason: (Acting) -> String? = { if case .standby(let why) = $0 { why } else { nil } }
        let single = lease.shards.count == 1 ? lease.leases[0] : nil
        self.init(
            group: lease.group, holder: lease.holder, role: acting.leadsAny ? .leader : .standby,
            epoch: single != nil ? acting.epoch : nil, leader: single?.otherHolder?.description, reason: reason(acting),
            lastChange: lastChange, lastChangeAt: lastChangeAt
        )
        if case .sharded(let shards, let terms) = acting {
            self.shards = terms.enumerated().map { shard, term in
                ShardView(shard: shard, lease: shards.lease(shard), role: term.epoch != nil ? .leader : .standby, epoch: term.epoch, reason: reason(term))
            }
        }
    }
}
