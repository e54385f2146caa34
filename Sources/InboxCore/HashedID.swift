/// An id with its `IDIndex` hash (computed once per arrival, shared by the id index and
/// the orphan table), hashed by that hash alone and compared as Strings, like ids everywhere.
struct HashedID: Hashable, Sendable {
    let hash: UInt64
    let id: String

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    static func == (a: HashedID, b: HashedID) -> Bool { a.hash == b.hash && a.id == b.id }
}
