import GRDB
import ScalerJournal

/// An append's rows planned in memory, ids and hashes included, then sent in a few statements:
/// a row's id is the one after the chain's newest, which the transaction holds locked.
struct PlannedRows: DecisionRowSink {
    enum Step {
        case insert([DatabaseValue])
        /// `values` in `DecisionColumns.extended` order.
        case extend([DatabaseValue])
    }

    private(set) var steps: [Step] = []
    private var nextID: Int64

    /// `lastID` is `journal_head`'s, read from the database: at the type's limit it is refused,
    /// never a trap.
    init(after lastID: Int64) throws {
        nextID = try Self.next(after: lastID)
    }

    static func next(after id: Int64) throws -> Int64 {
        let (next, overflow) = id.addingReportingOverflow(1)
        guard !overflow else { throw JournalFault("journal_head's last id is \(id), the largest a bigint holds: no row can follow it") }
        return next
    }

    mutating func insert(_ values: [DatabaseValue]) throws -> Int64 {
        let id = nextID
        nextID = try Self.next(after: id)
        steps.append(.insert([id.databaseValue] + values))
        return id
    }

    mutating func extend(_ extended: [DatabaseValue], id: Int64, endpoint: String) throws {
        steps.append(.extend([id.databaseValue, endpoint.databaseValue] + extended))
    }

    /// The steps as batches of one kind, in order: extensions before the insert that ends their
    /// run (the database extends only an endpoint's newest row), and of several extensions of
    /// one row in a batch only the last, which carries all of the others.
    var batches: [(inserts: Bool, rows: [[DatabaseValue]])] {
        var batches: [(inserts: Bool, rows: [[DatabaseValue]])] = []
        /// Where each row's extension is in the open batch of extensions.
        var extending: [DatabaseValue: Int] = [:]
        for step in steps {
            switch step {
            case .insert(let values):
                extending.removeAll(keepingCapacity: true)
                if batches.last?.inserts == true { batches[batches.count - 1].rows.append(values) } else { batches.append((true, [values])) }
            case .extend(let values):
                if batches.last?.inserts != false { batches.append((false, [])) }
                let last = batches.count - 1
                if let position = extending[values[0]] {
                    batches[last].rows[position] = values
                } else {
                    extending[values[0]] = batches[last].rows.count
                    batches[last].rows.append(values)
                }
            }
        }
        return batches
    }
}
