/// The inbox's arrays as they are in memory (snapshot section 6, `image`): a snapshot
/// opens by copying them, not by decoding and inserting every notification again (at a
/// million notifications, seconds against a fraction of one).
///
/// Held: the store's chunks and locations, per row its sort key, state, flags (less the
/// mute bit: the triage section sets mutes as before), kind and search signature, the
/// kind and topic tables, the newest-first order of all rows, and the id table with its
/// seed. Rebuilt: the counts. Every index is checked on reading, so a
/// damaged image is a `SnapshotError`, never a crash.
extension Inbox {
    /// About how many bytes `writeImage` writes (the snapshot's buffer is made this big at once).
    var imageSize: Int { storage.byteCount + count * 78 + ids.slots.count * 8 + 4096 }

    func writeImage(_ w: inout ByteWriter) {
        var me = self
        let order = me.rows(of: ListKey(state: nil, kind: nil)).int32Elements()
        let n = count
        w.varint(UInt64(n))
        w.varint(UInt64(kindTable.count))
        for k in kindTable { w.string(k.rawValue) }
        w.varint(UInt64(topicNames.count))
        for t in topicNames { w.string(t) }
        storage.writeImage(&w)
        // Element by element: no temporary copy of a million-row array.
        for k in keys { w.u64(UInt64(bitPattern: k.ms)) }
        for k in keys { w.u64(UInt64(bitPattern: k.offset)) }
        for k in keys { w.u32(UInt32(bitPattern: k.partition)) }
        for k in keys { w.u32(UInt32(bitPattern: k.topic)) }
        for s in stateAt { w.byte(SnapshotCodec.stateCode(s)) }
        for f in flags { w.byte(f & ~Flag.muted) }
        w.rawArray(kindOrdinals)
        for s in signatures { w.u64(s.w0); w.u64(s.w1); w.u64(s.w2); w.u64(s.w3) }
        w.rawArray(order)
        w.varint(UInt64(malformedCount))
        w.varint(UInt64(duplicateCount))
        ids.writeImage(&w)
        // Saved views' membership, by query text: a restart with the same views skips
        // matching every row again (`setQueries` takes it from `restoredQueries`).
        w.varint(UInt64(queries.count))
        for q in queries.indices {
            w.string(queries[q].text)
            for m in queryMember[q] { w.byte(m ? 1 : 0) }
            for m in queryUnreadMember[q] { w.byte(m ? 1 : 0) }
            w.varint(UInt64(queryUnread[q]))
        }
    }

    /// Reads an inbox written by `writeImage`; its store reads the text in place when
    /// `owner` holds the bytes `r` reads.
    static func readImage(_ r: inout ByteReader, owner: ImageBytes? = nil) throws(SnapshotError) -> Inbox {
        var inbox = Inbox()
        let n = try r.count(minBytes: 8)
        guard n < Int(Int32.max) else { throw .malformed("\(n) notifications") }
        for _ in 0..<(try r.count(minBytes: 1)) { inbox.kindTable.append(Kind(rawValue: try r.string())) }
        for _ in 0..<(try r.count(minBytes: 1)) { inbox.topicNames.append(try r.string()) }
        for (o, k) in inbox.kindTable.enumerated() { inbox.kindIndex[k] = UInt32(o) }
        for (o, t) in inbox.topicNames.enumerated() { inbox.topicOrdinals[t] = Int32(o) }
        // One ordinal per kind and topic, as the inbox keeps them (lists compare ordinals).
        guard inbox.kindIndex.count == inbox.kindTable.count, inbox.topicOrdinals.count == inbox.topicNames.count else {
            throw .malformed("a kind or topic named twice")
        }
        let (storage, entriesChecked) = try NotificationStore.readImage(&r, count: n, owner: owner)
        // The entries are checked beside the rest (which never reads them); that job is
        // waited for on every path.
        inbox.storage = storage
        do throws(SnapshotError) {
            try readArrays(&r, into: &inbox, count: n)
        } catch {
            _ = entriesChecked.wait()
            throw error
        }
        if let damage = entriesChecked.wait() { throw damage }
        return inbox
    }

    /// Reads what `writeImage` wrote after the store.
    private static func readArrays(_ r: inout ByteReader, into inbox: inout Inbox, count n: Int) throws(SnapshotError) {
        // Built straight from the bytes read (no temporary arrays: at a million rows they
        // were 56 MB of fresh memory to fault in and copy once more).
        let ms = try rawArray(&r, count: n, size: 8)
        let offsets = try rawArray(&r, count: n, size: 8)
        let partitions = try rawArray(&r, count: n, size: 4)
        let topics = try rawArray(&r, count: n, size: 4)
        let topicCount = UInt32(inbox.topicNames.count)
        var badTopic = false
        inbox.keys = HugePages.array(count: n) { (keys: UnsafeMutableBufferPointer<OrderKey>) in
            for i in 0..<n {
                let topic = UInt32(littleEndian: topics.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                badTopic = badTopic || topic >= topicCount
                keys[i] = OrderKey(ms: Int64(littleEndian: ms.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)),
                                   offset: Int64(littleEndian: offsets.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)),
                                   partition: Int32(littleEndian: partitions.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)),
                                   topic: Int32(bitPattern: topic))
            }
        }
        guard !badTopic else { throw .malformed("a topic index out of range") }
        let codes = try rawArray(&r, count: n, size: 1)
        var badState = false
        inbox.stateAt = [ReadState](unsafeUninitializedCapacity: n) { states, initialized in
            for i in 0..<n {
                switch codes[i] {
                case 0: states[i] = .unread
                case 1: states[i] = .read
                case 2: states[i] = .acknowledged
                case 3: states[i] = .snoozed
                default: states[i] = .unread; badState = true
                }
            }
            initialized = n
        }
        guard !badState else { throw .malformed("a state code out of range") }
        inbox.flags = try readArray(&r, count: n, as: UInt8.self)
        inbox.kindOrdinals = try readArray(&r, count: n, as: UInt32.self)
        let kinds = UInt32(inbox.kindTable.count)
        guard inbox.kindOrdinals.allSatisfy({ $0 < kinds }) else { throw .malformed("a kind index out of range") }
        let bits = try rawArray(&r, count: n, size: 32)
        inbox.signatures = HugePages.array(count: n) { (sigs: UnsafeMutableBufferPointer<SearchSignature.Bits>) in
            for i in 0..<n {
                var s = SearchSignature.Bits()
                s.w0 = UInt64(littleEndian: bits.loadUnaligned(fromByteOffset: 32 * i, as: UInt64.self))
                s.w1 = UInt64(littleEndian: bits.loadUnaligned(fromByteOffset: 32 * i + 8, as: UInt64.self))
                s.w2 = UInt64(littleEndian: bits.loadUnaligned(fromByteOffset: 32 * i + 16, as: UInt64.self))
                s.w3 = UInt64(littleEndian: bits.loadUnaligned(fromByteOffset: 32 * i + 24, as: UInt64.self))
                sigs[i] = s
            }
        }
        let order = try readArray(&r, count: n, as: Int32.self)
        try checkOrder(order, keys: inbox.keys, names: inbox.topicNames)
        inbox.lists[0].rows = RowList(int32: order)
        inbox.malformedCount = Int(clamping: try r.varint())
        inbox.duplicateCount = Int(clamping: try r.varint())
        inbox.ids = try IDIndex.readImage(&r, held: n)
        inbox.rebuildCounts()
        if !r.atEnd {
            for _ in 0..<(try r.count(minBytes: 1 + 2 * n)) {
                let text = try r.string()
                let member = try readArray(&r, count: n, as: UInt8.self).map { $0 != 0 }
                let unread = try readArray(&r, count: n, as: UInt8.self).map { $0 != 0 }
                let unreadCount = Int(clamping: try r.varint())
                guard unreadCount <= n else { throw .malformed("query count") }
                inbox.restoredQueries[text] = RestoredQuery(member: member, unreadMember: unread, unread: unreadCount)
            }
        }
    }

    /// The bytes of `count` plain values of `size` bytes each, as `ByteWriter` wrote them
    /// (little-endian).
    private static func rawArray(_ r: inout ByteReader, count: Int, size: Int) throws(SnapshotError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= r.remaining / size else { throw .truncated }
        return try r.take(count * size)
    }

    /// The order must hold every row once, newest first.
    private static func checkOrder(_ order: [Int32], keys: [OrderKey], names: [String]) throws(SnapshotError) {
        var seen = [Bool](repeating: false, count: order.count)
        for (i, row) in order.enumerated() {
            guard row >= 0, Int(row) < order.count, !seen[Int(row)] else { throw .malformed("row order") }
            seen[Int(row)] = true
            if i > 0, newer(keys, names, Int(row), Int(order[i - 1])) { throw .malformed("rows out of order") }
        }
    }

    private mutating func rebuildCounts() {
        let n = count
        var perKind = [[Int]](repeating: [Int](repeating: 0, count: RowClass.allCases.count), count: kindTable.count)
        for i in 0..<n {
            perKind[Int(kindOrdinals[i])][RowClass(stateAt[i], muted: false).rawValue] += 1
        }
        for (o, classes) in perKind.enumerated() {
            for c in RowClass.allCases where classes[c.rawValue] > 0 { counts.add(c, kind: kindTable[o], classes[c.rawValue]) }
        }
    }
}

/// A saved query's membership as a snapshot kept it (see `Inbox.setQueries`).
struct RestoredQuery: Sendable {
    var member: [Bool]
    var unreadMember: [Bool]
    var unread: Int
}
