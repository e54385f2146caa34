/// Room made ahead, so that no table grows (and rehashes or copies everything) while a
/// batch arrives.
extension Inbox {
    /// Makes room for `count` notifications in total, so that the id table and sort keys
    /// do not grow (rehash every id, copy every key) while they arrive: growing a table of
    /// a million ids at once stalls the UI thread for tens of milliseconds. Cheap when the
    /// room is already there.
    public mutating func reserveCapacity(_ count: Int) {
        guard count > ids.capacity || count > keys.capacity else { return }
        do {
            let store = storage
            let seed = ids.seed
            ids.reserveCapacity(count) { i in store.withID(at: i) { IDIndex.hash($0, seed: seed) } }
        }
        storage.reserveCapacity(count)
        keys.reserveCapacity(count)
        stateAt.reserveCapacity(count)
        flags.reserveCapacity(count)
        kindOrdinals.reserveCapacity(count)
        signatures.reserveCapacity(count)
    }

    /// Makes room in the id table alone for `count` notifications: growing it rehashes every
    /// id (a stall of 100+ ms at a million), while the other arrays grow by a cheap copy.
    public mutating func reserveIDCapacity(_ count: Int) {
        guard count > ids.capacity else { return }
        let store = storage
        let seed = ids.seed
        ids.reserveCapacity(count) { i in store.withID(at: i) { IDIndex.hash($0, seed: seed) } }
    }

}
