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

    static func readImage(_ r: inout ByteReader) throws(SnapshotError) -> Inbox {
        var inbox = Inbox()
        let n = try r.count(minBytes: 8)
        guard n < Int(Int32.max) else { throw .malformed("\(n) notifications") }
        for _ in 0..<(try r.count(minBytes: 1)) { inbox.kindTable.append(Kind(rawValue: try r.string())) }
        for _ in 0..<(try r.count(minBytes: 1)) { inbox.topicNames.append(try r.string()) }
        for (o, k) in inbox.kindTable.enumerated() { inbox.kindIndex[k] = UInt32(o) }
        for (o, t) in inbox.topicNames.enumerated() { inbox.topicOrdinals[t] = Int32(o) }
        inbox.storage = try NotificationStore.readImage(&r, count: n)
        let ms = try readArray(&r, count: n, as: Int64.self)
        let offsets = try readArray(&r, count: n, as: Int64.self)
        let partitions = try readArray(&r, count: n, as: Int32.self)
        let topics = try readArray(&r, count: n, as: Int32.self)
        let topicCount = Int32(inbox.topicNames.count)
        inbox.keys.reserveCapacity(n)
        for i in 0..<n {
            guard topics[i] >= 0, topics[i] < topicCount else { throw .malformed("topic \(topics[i]) of \(topicCount)") }
            inbox.keys.append(OrderKey(ms: ms[i], offset: offsets[i], partition: partitions[i], topic: topics[i]))
        }
        inbox.stateAt.reserveCapacity(n)
        for code in try readArray(&r, count: n, as: UInt8.self) { inbox.stateAt.append(try SnapshotCodec.state(code: code)) }
        inbox.flags = try readArray(&r, count: n, as: UInt8.self)
        inbox.kindOrdinals = try readArray(&r, count: n, as: UInt32.self)
        let kinds = UInt32(inbox.kindTable.count)
        guard inbox.kindOrdinals.allSatisfy({ $0 < kinds }) else { throw .malformed("a kind index out of range") }
        let bits = try readArray(&r, count: n * 4, as: UInt64.self)
        inbox.signatures.reserveCapacity(n)
        for i in 0..<n {
            var s = SearchSignature.Bits()
            (s.w0, s.w1, s.w2, s.w3) = (bits[4 * i], bits[4 * i + 1], bits[4 * i + 2], bits[4 * i + 3])
            inbox.signatures.append(s)
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
        return inbox
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
