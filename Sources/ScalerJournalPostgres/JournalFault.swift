/// What went wrong that the server did not say: a journal not as scalerd left it.
struct JournalFault: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
