import Foundation

/// A hash index from notification ids to storage indices that keeps no copy of the ids:
/// an open-addressing table of 8-byte slots (32 bits of the id's hash and the index), the
/// id bytes themselves being read from the store when a hash matches.
///
/// A `[String: Int]` costs the key's heap string (the id is already stored) plus a bucket
/// of 24 bytes per id. Ids are Swift strings here as everywhere else in kafka-inbox (tags,
/// outbox, pending receipts): `é` and `e` + U+0301 are the same id. So the hash is of the
/// id's UTF-8 bytes when they are ASCII, else of its canonical (NFC) form, with a random
/// seed of this index (ids sent to collide cannot be precomputed). The seed is kept with
/// the table in a snapshot, so a restored table needs no rehashing.
struct IDIndex: Sendable {
    /// 0: empty; else (hash >> 32) << 32 | (index + 1).
    private(set) var slots: [UInt64] = []
    private(set) var count = 0
    /// The seed of `hash`: this process's for a new table (so a batch can be hashed on the
    /// consumer thread ahead, `PackedNotifications`), the writer's for one read from a snapshot.
    private(set) var seed = IDIndex.processSeed

    /// A random seed for the tables of this process.
    static let processSeed = UInt64.random(in: .min ... .max)

    init() {}

    /// The hash of an id stored as UTF-8 bytes (the same as `hash(_:)` of the String).
    @inline(__always)
    func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { Self.hash(bytes, seed: seed) }

    /// The hash of an id.
    @inline(__always)
    func hash(_ id: String) -> UInt64 { Self.hash(id, seed: seed) }

    /// `hash(_:)` with `seed` (for closures that must not hold a copy of the table).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        if PackedEntry.isASCII(bytes) { return XXHash64.hash(UnsafeRawBufferPointer(bytes), seed: seed) }
        return hashCanonical(String(decoding: bytes, as: UTF8.self), seed: seed)
    }

    @inline(__always)
    static func hash(_ id: String, seed: UInt64) -> UInt64 {
        // `withUTF8` always has the bytes (a small or bridged string is made contiguous
        // first); `utf8.withContiguousStorageIfAvailable` would give none for small ones.
        var copy = id
        let ascii = copy.withUTF8 { b -> UInt64? in PackedEntry.isASCII(b) ? XXHash64.hash(UnsafeRawBufferPointer(b), seed: seed) : nil }
        return ascii ?? hashCanonical(id, seed: seed)
    }

    /// Canonically equivalent ids (`é`, `e` + U+0301, and `K` and the Kelvin sign) hash alike.
    private static func hashCanonical(_ id: String, seed: UInt64) -> UInt64 {
        var nfc = id.precomposedStringWithCanonicalMapping
        return nfc.withUTF8 { XXHash64.hash(UnsafeRawBufferPointer($0), seed: seed) }
    }


    /// The table as it is (`Inbox+Image.swift`): seed, count, slots.
    func writeImage(_ w: inout ByteWriter) {
        w.u64(seed)
        w.varint(UInt64(count))
        w.varint(UInt64(slots.count))
        w.rawArray(slots)
    }

    /// A table written by `writeImage` for `held` ids, checked: every slot names an index
    /// held, as many as held, and some slot is empty (a probe always ends).
    static func readImage(_ r: inout ByteReader, held: Int) throws(SnapshotError) -> IDIndex {
        var index = IDIndex()
        index.seed = try r.u64()
        index.count = try r.count(minBytes: 0)
        let size = try r.count(minBytes: 8)
        guard index.count == held, size == 0 ? held == 0 : (size >= 16 && size & (size - 1) == 0 && held <= size / 4 * 3) else {
            throw .malformed("id table of \(size) slots for \(held) ids")
        }
        index.slots = try readArray(&r, count: size, as: UInt64.self)
        var used = 0
        for slot in index.slots where slot != 0 {
            guard slot & 0xFFFF_FFFF <= UInt64(held) && slot & 0xFFFF_FFFF > 0 else { throw .malformed("id table slot") }
            used += 1
        }
        guard used == held else { throw .malformed("id table holds \(used) of \(held) ids") }
        return index
    }

    /// Whether the stored id `bytes` is `id` (String equality: canonically equivalent
    /// spellings are the same id).
    @inline(__always)
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ id: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.elementsEqual(id) { return true }
        // Different bytes are a different id unless one of them is not ASCII.
        if PackedEntry.isASCII(bytes) && PackedEntry.isASCII(id) { return false }
        return String(decoding: bytes, as: UTF8.self) == String(decoding: id, as: UTF8.self)
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

    @inline(__always)
    private mutating func place(hash: UInt64, index: Int) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
    }
}
