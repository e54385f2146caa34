/// The states of ids not held yet (a receipt read before its notification), by id, kept
/// compact: the ids' bytes one after another in one array, an entry of 32 bytes each, and an
/// open-addressing table of 8-byte slots (32 bits of the id's `IDIndex` hash and the entry).
///
/// Catching up reads the receipts beside the history, so most receipts arrive before their
/// notifications: 300,000 of them at a million. A dictionary keyed by id held them in 21 MB of
/// buckets and 300,000 heap strings, freed one by one as the notifications came, which left
/// about 35 MB resident as holes after catch-up. Here an entry taken is marked dead; the
/// table is rebuilt without the dead ones when they outnumber the live, and freed entirely
/// when the last one is taken.
struct OrphanTable: Sendable {
    private struct Entry: Sendable {
        /// The id's hash, as the caller gave it (a rebuild places the entry again by it).
        var hash: UInt64
        var offset: UInt32
        var length: UInt32
        var untilMs: Int64
        var state: ReadState
        var alive: Bool
    }

    /// 0: empty; else (hash >> 32) << 32 | (entry + 1). A dead entry keeps its slot until a rebuild.
    private var slots: [UInt64] = []
    private var entries: [Entry] = []
    private var bytes: [UInt8] = []

    /// Ids held.
    private(set) var count = 0

    /// Whether no id is held.
    var isEmpty: Bool { count == 0 }

    /// Slots in the table (how much room it holds).
    var capacity: Int { slots.count / 4 * 3 }

    /// What is known of `id` (its `IDIndex` hash `hash`).
    func get(hash: UInt64, id: String) -> Inbox.Orphan? {
        guard let e = find(hash: hash, id: id) else { return nil }
        return Inbox.Orphan(state: entries[e].state, untilMs: entries[e].untilMs)
    }

    /// Records what is known of `id`, replacing what was.
    mutating func set(hash: UInt64, id: String, _ orphan: Inbox.Orphan) {
        if let e = find(hash: hash, id: id) {
            entries[e].state = orphan.state
            entries[e].untilMs = orphan.untilMs
            return
        }
        if entries.count + 1 > capacity { rebuild(room: max(16, (count + 1) * 2)) }
        let offset = bytes.count
        bytes.append(contentsOf: id.utf8)
        entries.append(Entry(hash: hash, offset: UInt32(truncatingIfNeeded: offset), length: UInt32(truncatingIfNeeded: bytes.count - offset),
                             untilMs: orphan.untilMs, state: orphan.state, alive: true))
        place(hash: hash, entry: entries.count - 1)
        count += 1
    }

    /// Takes what is known of `id` out of the table.
    mutating func take(hash: UInt64, id: String) -> Inbox.Orphan? {
        id.withUTF8Bytes { take(hash: hash, id: $0) }
    }

    /// `take` of an id given by its UTF-8 bytes.
    mutating func take(hash: UInt64, id: UnsafeBufferPointer<UInt8>) -> Inbox.Orphan? {
        guard let e = find(hash: hash, id: id) else { return nil }
        entries[e].alive = false
        count -= 1
        let orphan = Inbox.Orphan(state: entries[e].state, untilMs: entries[e].untilMs)
        if count == 0 {
            self = OrphanTable()  // every array given back
        } else if entries.count > 1024 && entries.count > 2 * count {
            rebuild(room: count * 2)
        }
        return orphan
    }

    /// Calls `body` with every id held and what is known of it.
    func forEach(_ body: (String, Inbox.Orphan) -> Void) {
        for e in entries where e.alive { body(id(of: e), Inbox.Orphan(state: e.state, untilMs: e.untilMs)) }
    }

    private func id(of e: Entry) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[Int(e.offset)..<Int(e.offset + e.length)]), as: UTF8.self) }
    }

    private func find(hash: UInt64, id: String) -> Int? {
        guard !slots.isEmpty else { return nil }
        return id.withUTF8Bytes { find(hash: hash, id: $0) }
    }

    private func find(hash: UInt64, id: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        let high = hash & 0xFFFF_FFFF_0000_0000
        while slots[i] != 0 {
            let slot = slots[i]
            if slot & 0xFFFF_FFFF_0000_0000 == high {
                let e = Int(slot & 0xFFFF_FFFF) - 1
                if entries[e].alive && matches(entries[e], id) { return e }
            }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Whether an entry holds `id` (`IDIndex.matches`: canonically equivalent ids are the same id).
    private func matches(_ e: Entry, _ id: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { all in
            IDIndex.matches(UnsafeBufferPointer(rebasing: all[Int(e.offset)..<Int(e.offset + e.length)]), id)
        }
    }

    /// The table again with only the live entries, room for `room` of them.
    private mutating func rebuild(room: Int) {
        let old = self
        var size = 16
        while size / 4 * 3 < room { size <<= 1 }
        self = OrphanTable()
        slots = [UInt64](repeating: 0, count: size)
        entries.reserveCapacity(old.count)
        old.bytes.withUnsafeBufferPointer { all in
            for e in old.entries where e.alive {
                let offset = bytes.count
                bytes.append(contentsOf: all[Int(e.offset)..<Int(e.offset + e.length)])
                var moved = e
                moved.offset = UInt32(truncatingIfNeeded: offset)
                entries.append(moved)
                place(hash: e.hash, entry: entries.count - 1)
            }
        }
        count = old.count
    }

    private mutating func place(hash: UInt64, entry: Int) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
    }
}
