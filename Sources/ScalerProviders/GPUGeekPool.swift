import Foundation

/// One endpoint's pool as a complete listing shows it, beside what scalerd asked for and has not
/// seen happen yet. The one place that decides what counts as a replica.
struct GPUGeekPool: Sendable {
    /// The documented statuses (`stopd` is GPUGeek's spelling); anything else is kept as read.
    enum Status: Sendable, Hashable {
        case creating, running, stopped
        case other(String)

        init(_ text: String) {
            switch text {
            case "creating": self = .creating
            case "running": self = .running
            case "stopd": self = .stopped
            default: self = .other(text)
            }
        }
    }

    struct Member: Sendable, Hashable {
        var id: String
        var name: String
        var status: Status
        var createdAt: String
        /// An operation runs on it (`isPending: 1`): nothing else may be asked of it meanwhile.
        var pending: Bool
    }

    var members: [Member]
    /// Creates sent whose instance the listing does not show yet.
    var unlisted: [PoolLedger.Creation]
    /// Members whose release scalerd sent; they still bill until they are gone.
    var leaving: Set<String>

    /// Members that serve or are being made to: the replicas, with creates not listed yet.
    var serving: [Member] {
        members.filter { !leaving.contains($0.id) && ($0.status == .running || $0.status == .creating) }
    }

    /// scalerd's own members that are stopped: they serve nothing and may still bill storage, so
    /// they are counted apart and released.
    var strays: [Member] {
        members.filter { !leaving.contains($0.id) && $0.status == .stopped }
    }

    /// Members in a status the document lacks: counted against `max_replicas`, never as
    /// replicas, and left alone, since nothing says what releasing them would interrupt.
    var unrecognized: [Member] {
        members.filter { member in
            guard !leaving.contains(member.id), case .other = member.status else { return false }
            return true
        }
    }

    var replicas: Int { serving.count + unlisted.count }
    /// Everything that exists or may, leaving members included: what `max_replicas` bounds.
    var footprint: Int { members.count + unlisted.count }
    var ready: Int { serving.filter { $0.status == .running && !$0.pending }.count }

    /// Release order for a scale-down: still-creating instances first (nothing runs on them yet),
    /// then the newest; never one with an operation in progress.
    var releasable: [Member] {
        serving.filter { !$0.pending }.sorted { lhs, rhs in
            if (lhs.status == .creating) != (rhs.status == .creating) { return lhs.status == .creating }
            return lhs.createdAt > rhs.createdAt
        }
    }
}
