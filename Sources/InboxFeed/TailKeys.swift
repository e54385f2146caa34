import InboxCore

/// The keys of the receipts read in the receipts partitions' tails (tail first): a history
/// receipt with one of them is older than the one read, and dropped. Every history receipt
/// is looked up, so a key is first looked for by its 64-bit hash (no copy of its bytes);
/// the bytes are compared only when the hash is there.
struct TailKeys {
    private var hashes: Set<UInt64> = []
    private var keys: Set<[UInt8]> = []

    /// Whether no key is held.
    var isEmpty: Bool { keys.isEmpty }

    /// Holds `key`.
    mutating func insert(_ key: UnsafeRawBufferPointer) {
        hashes.insert(XXHash64.hash(key))
        keys.insert(Array(key))
    }

    /// Whether `key` is held.
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        hashes.contains(XXHash64.hash(key)) && keys.contains(Array(key))
    }
}
