/// A hash index from notification ids to storage indices that keeps no copy of the ids:
/// an open-addressing table of 8-byte slots (32 bits of the id's hash and the index), the
/// id bytes themselves being read from the store when a hash matches.
///
/// A `[String: Int]` costs the key's heap string (the id is already stored) plus a bucket
/// of 24 bytes per id. Ids are Swift strings here as everywhere else in kafka-inbox (tags,
/// outbox, pending receipts): `é` and `e` + U+0301 are the same id. So the hash is the
/// String's own (normalisation-aware, seeded per process, so ids sent to collide cannot be
/// precomputed) and ids are compared byte for byte when both are ASCII, as Strings otherwise.
struct IDIndex: Sendable {
    /// 0: empty; else (hash >> 32) << 32 | (index + 1).
    private var slots: [UInt64] = []
    private(set) var count = 0

    init() {}

    /// The hash of an id stored as UTF-8 bytes (the same as `hash(_:)` of the String).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        hash(String(decoding: bytes, as: UTF8.self))
    }

    /// The hash of an id.
    @inline(__always)
    static func hash(_ id: String) -> UInt64 {
        UInt64(bitPattern: Int64(id.hashValue))
    }

    /// Whether the stored id `bytes` is `id` (String equality: canonically equivalent
    /// spellings are the same id).
    @inline(__always)
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ id: String) -> Bool {
        if id.withUTF8Bytes({ $0.elementsEqual(bytes) }) { return true }
        // Different bytes are a different id unless one of them is not ASCII.
        if bytes.allSatisfy({ $0 < 0x80 }) && id.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        return String(decoding: bytes, as: UTF8.self) == id
    }

    /// The slot where `hash` is looked for first (`ReadAhead`: read to bring it into the cache).
    @inline(__always)
    func touch(hash: UInt64) -> UInt64 {
        slots.isEmpty ? 0 : slots[Int(truncatingIfNeeded: hash) & (slots.count - 1)]
    }

    /// Whether one more id makes the table grow.
    var isFull: Bool { count + 1 > capacity }

    /// How many ids fit before the table grows.
    var capacity: Int { slots.count / 4 * 3 }

    /// The index stored under `hash` for which `isID` is true.
    @inline(__always)
    func find(hash: UInt64, _ isID: (Int) -> Bool) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { return nil }
            if slot & 0xFFFF_FFFF_0000_0000 == tag, isID(Int(slot & 0xFFFF_FFFF) - 1) {
                return Int(slot & 0xFFFF_FFFF) - 1
            }
            i = (i + 1) & mask
        }
    }

    /// Adds `index` under `hash` (the id must not be held). `rehash` gives the hash of a
    /// stored index, for growing.
    mutating func insert(hash: UInt64, index: Int, rehash: (Int) -> UInt64) {
        if count + 1 > capacity { grow(to: max(16, (count + 1) * 2), rehash: rehash) }
        place(hash: hash, index: index)
        count += 1
    }

    /// Makes room for `total` ids without growing again.
    mutating func reserveCapacity(_ total: Int, rehash: (Int) -> UInt64) {
        if total > capacity { grow(to: total, rehash: rehash) }
    }

    private mutating func grow(to total: Int, rehash: (Int) -> UInt64) {
        var size = 16
        while size / 4 * 3 < total { size <<= 1 }
        let old = slots
        slots = [UInt64](repeating: 0, count: size)
        for slot in old where slot != 0 {
            let index = Int(slot & 0xFFFF_FFFF) - 1
            place(hash: rehash(index), index: index)
        }
    }

    /// The index of ids 0..<hashes.count, `hashes[i]` being id i's; nil when `same(i, j)`
    /// says two of them are the same id. The ids are placed in the order of their home
    /// slots (sorted by bucket first), so the table is written front to back instead of at
    /// random: at a million ids, most of the time of placing them one by one is waiting
    /// for memory.
    static func build(hashes: [UInt64], same: (Int, Int) -> Bool) -> IDIndex? {
        var index = IDIndex()
        let n = hashes.count
        guard n > 0 else { return index }
        index.grow(to: n) { _ in 0 }
        let mask = index.slots.count - 1
        // Counting sort of the ids by the top bits of their home slot.
        let shift = max(0, mask.bitWidth - mask.leadingZeroBitCount - 12)
        var starts = [Int](repeating: 0, count: (mask >> shift) + 2)
        for h in hashes { starts[(Int(truncatingIfNeeded: h) & mask) >> shift + 1] += 1 }
        for b in 1..<starts.count { starts[b] += starts[b - 1] }
        // Hashes and ids side by side in bucket order, so that placing reads them in order too.
        var sortedHashes = [UInt64](repeating: 0, count: n)
        var sortedIDs = [Int32](repeating: 0, count: n)
        for (i, h) in hashes.enumerated() {
            let b = (Int(truncatingIfNeeded: h) & mask) >> shift
            sortedHashes[starts[b]] = h
            sortedIDs[starts[b]] = Int32(truncatingIfNeeded: i)
            starts[b] += 1
        }
        for k in 0..<n {
            let i = Int(sortedIDs[k])
            let tag = sortedHashes[k] & 0xFFFF_FFFF_0000_0000
            var slot = Int(truncatingIfNeeded: sortedHashes[k]) & mask
            while index.slots[slot] != 0 {
                let held = index.slots[slot]
                if held & 0xFFFF_FFFF_0000_0000 == tag, same(Int(held & 0xFFFF_FFFF) - 1, i) { return nil }
                slot = (slot + 1) & mask
            }
            index.slots[slot] = tag | UInt64(i + 1)
        }
        index.count = n
        return index
    }

    @inline(__always)
    private mutating func place(hash: UInt64, index: Int) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
    }
}
