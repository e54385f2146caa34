/// Section 3 of a snapshot, the notifications, in the inbox's own form so that a restart
/// copies rather than rebuilds: the kind and topic tables; the count n; then n of each,
/// fixed-size and little-endian: state codes (u8), kind ordinals (u8, or u32 when the table
/// holds more than 256 kinds: a width byte says which), sort keys (created-at i64, offset
/// i64, partition i32, topic ordinal u32), search signatures (4 × u64, `SearchSignature`:
/// a change of its bits is a change of this format); then the packed entries
/// (`PackedEntry`'s layout) one after another, their total length first. Rows are in the
/// inbox's arrival order, so a restored inbox sorts exactly as the original one.
///
/// Everything is checked on the way in: each entry is walked with its lengths bounded and
/// its strings checked as UTF-8 (`PackedEntry.check`), ordinals against their tables.
extension SnapshotCodec {
    static func encodeNotifications(_ inbox: Inbox, into w: inout ByteWriter) {
        let n = inbox.count
        w.varint(UInt64(inbox.kindTable.count))
        for k in inbox.kindTable { w.string(k.rawValue) }
        w.varint(UInt64(inbox.topicNames.count))
        for t in inbox.topicNames { w.string(t) }
        w.varint(UInt64(n))
        let wide = inbox.kindTable.count > 256
        w.byte(wide ? 4 : 1)
        w.fill(n, each: 1) { p, i in p[0] = stateCode(inbox.stateAt[i]) }
        w.fill(n, each: wide ? 4 : 1) { p, i in
            if wide { ByteWriter.put(UInt64(inbox.kindOrdinals[i]), bytes: 4, at: p) } else { p[0] = UInt8(truncatingIfNeeded: inbox.kindOrdinals[i]) }
        }
        w.fill(n, each: 24) { p, i in
            let k = inbox.keys[i]
            ByteWriter.put(UInt64(bitPattern: k.ms), bytes: 8, at: p)
            ByteWriter.put(UInt64(bitPattern: k.offset), bytes: 8, at: p + 8)
            ByteWriter.put(UInt64(UInt32(bitPattern: k.partition)), bytes: 4, at: p + 16)
            ByteWriter.put(UInt64(UInt32(bitPattern: k.topic)), bytes: 4, at: p + 20)
        }
        w.fill(n, each: 32) { p, i in
            let s = inbox.signatures[i]
            ByteWriter.put(s.w0, bytes: 8, at: p)
            ByteWriter.put(s.w1, bytes: 8, at: p + 8)
            ByteWriter.put(s.w2, bytes: 8, at: p + 16)
            ByteWriter.put(s.w3, bytes: 8, at: p + 24)
        }
        w.varint(UInt64(inbox.storage.byteCount))
        inbox.storage.forEachChunk { w.raw($0) }
    }

    /// A store's chunk is at most this big (locations keep 32 bits of offset).
    static let restoredChunkLimit = 1 << 31

    static func decodeNotifications(_ r: inout ByteReader) throws(SnapshotError) -> Inbox {
        let kinds = try uniqueNames(&r).map(Kind.init(rawValue:))
        let topics = try uniqueNames(&r)
        let n = try r.count(minBytes: 60)
        let width = try r.byte()
        guard width == 1 || width == 4 else { throw .malformed("kind ordinal width \(width)") }
        guard width == 4 || kinds.count <= 256 else { throw .malformed("\(kinds.count) kinds in one byte") }
        let states = try r.fixed(n, size: 1) { p throws(SnapshotError) in try state(code: p[0]) }
        let kindOrdinals = try r.fixed(n, size: Int(width)) { p throws(SnapshotError) in
            let o = UInt32(truncatingIfNeeded: ByteReader.get(p, bytes: Int(width)))
            guard o < kinds.count else { throw .malformed("kind index \(o) of \(kinds.count)") }
            return o
        }
        let keys = try r.fixed(n, size: 24) { p throws(SnapshotError) in
            let topic = UInt32(truncatingIfNeeded: ByteReader.get(p + 20, bytes: 4))
            guard topic < topics.count else { throw .malformed("topic index \(topic) of \(topics.count)") }
            return Inbox.OrderKey(ms: Int64(bitPattern: ByteReader.get(p, bytes: 8)), offset: Int64(bitPattern: ByteReader.get(p + 8, bytes: 8)),
                                  partition: Int32(bitPattern: UInt32(truncatingIfNeeded: ByteReader.get(p + 16, bytes: 4))),
                                  topic: Int32(bitPattern: topic))
        }
        let signatures = try r.fixed(n, size: 32) { p throws(SnapshotError) in
            var s = SearchSignature.Bits()
            s.w0 = ByteReader.get(p, bytes: 8)
            s.w1 = ByteReader.get(p + 8, bytes: 8)
            s.w2 = ByteReader.get(p + 16, bytes: 8)
            s.w3 = ByteReader.get(p + 24, bytes: 8)
            return s
        }
        let length = try r.count(minBytes: 1)
        guard length >= n * 11 else { throw .truncated }
        let (store, malformed) = try r.withBytes(length) { bytes throws(SnapshotError) in try entries(bytes, count: n) }
        let rows = Inbox.Rows(store: store, states: states, kindOrdinals: kindOrdinals, kindTable: kinds, keys: keys,
                              topicNames: topics, signatures: signatures, malformedCount: malformed)
        return try Inbox(restoring: rows)
    }

    /// A table of names (kinds, topics), refused when one is there twice.
    private static func uniqueNames(_ r: inout ByteReader) throws(SnapshotError) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        for _ in 0..<(try r.count(minBytes: 1)) {
            let name = try r.string()
            guard seen.insert(name).inserted else { throw .malformed("'\(name)' twice in a table") }
            names.append(name)
        }
        return names
    }

    /// The store of the `count` packed entries that make up all of `bytes`, each checked,
    /// and how many are malformed messages.
    private static func entries(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) throws(SnapshotError) -> (NotificationStore, Int) {
        var locations: [UInt64] = []
        locations.reserveCapacity(count)
        var chunks: [[UInt8]] = []
        var chunkStart = 0
        var at = 0
        var malformed = 0
        for _ in 0..<count {
            guard let entry = PackedEntry.check(bytes, at: at) else { throw .malformed("notification entry at byte \(at)") }
            if entry.end - chunkStart > restoredChunkLimit {
                chunks.append(Array(bytes[chunkStart..<at]))
                chunkStart = at
            }
            locations.append(UInt64(chunks.count) << 32 | UInt64(at - chunkStart))
            if entry.isMalformed { malformed += 1 }
            at = entry.end
        }
        guard at == bytes.count else { throw .malformed("\(bytes.count - at) bytes after the last notification") }
        chunks.append(Array(bytes[chunkStart..<at]))
        return (NotificationStore(chunks: chunks, locations: locations), malformed)
    }
}
