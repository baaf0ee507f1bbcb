import Foundation
import ScalerCore

/// Reads the `ha:` block: `url`, `password`, `lease`, `group` and `shards`.
struct HAReader {
    let node: ConfigNode
    let secrets: SecretResolver
    let tick: Double
    /// The journal's database, when it is in PostgreSQL: the lease's too unless `ha.url` says.
    let journalDatabase: PostgresLocation?

    /// At least this many ticks per lease: a third is the margin, and the rest leaves one
    /// renewal that may fail or be late without the leader stopping.
    static let ticksPerLease = 3.0

    func read() -> HASettings? {
        guard let mapping = node.mapping(keys: ["url", "password", "lease", "group", "shards"]) else { return nil }
        let server: PostgresLocation?
        if let url = mapping["url"] {
            server = PostgresURLReader(secrets: secrets).read(url: url, password: mapping["password"], passwordKey: "ha.password (env:, file: or credential:)")
        } else if let journalDatabase {
            if let password = mapping["password"] {
                password.report("ha.password goes with ha.url; without one the lease is in the journal's database, reached as journal.url says")
                return nil
            }
            server = journalDatabase
        } else {
            node.report("ha.url is needed: the lease is kept in PostgreSQL, and the journal is not (give journal.url, or ha.url)")
            return nil
        }
        let lease = mapping["lease"].map { $0.duration(allowZero: false) } ?? HASettings.defaultLease
        let group = mapping["group"].map(readGroup) ?? HASettings.defaultGroup
        let shards = mapping["shards"].map(readShards) ?? 1
        if let lease, let leaseNode = mapping["lease"], lease < Self.ticksPerLease * tick {
            leaseNode.report("must be at least 3 ticks (\(DurationText.compact(Self.ticksPerLease * tick))): the leader renews it every tick and stops acting a third of it before it runs out")
            return nil
        }
        guard let server, let lease, let group, let shards else { return nil }
        return HASettings(server: server, lease: lease, group: group, shards: shards)
    }

    private func readShards(_ node: ConfigNode) -> Int? {
        guard let count = node.integer(atLeast: 1) else { return nil }
        guard count <= HASettings.maximumShards else {
            node.report("must be at most \(HASettings.maximumShards), got \(count): each shard is a lease claimed at every tick")
            return nil
        }
        return count
    }

    private func readGroup(_ node: ConfigNode) -> String? {
        guard let text = node.string() else { return nil }
        guard !text.isEmpty, text.count <= 64, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            node.report("a group is 1 to 64 letters, digits, '-', '_' or '.', got '\(text)'")
            return nil
        }
        return text
    }
}
