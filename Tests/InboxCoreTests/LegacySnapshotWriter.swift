@testable import InboxCore

/// The snapshot writer before section 6 (`image`): notifications one by one in section 3.
/// Snapshots written so are still on disk, and must still open.
enum LegacySnapshotWriter {
    static func encodeLegacy(_ header: SnapshotHeader, inbox: Inbox) -> [UInt8] {
        var w = ByteWriter(capacity: SnapshotCodec.headerSize + 4096 + inbox.count * 192)
        w.raw(SnapshotCodec.magic)
        w.u32(SnapshotCodec.version)
        w.u32(0)
        w.u64(0)  // length, patched below
        w.u64(0)  // checksum, patched below

        w.section(.header) { w in
            w.string(header.user)
            w.string(header.cluster)
            w.optString(header.clusterID)
            w.string(header.layout.notificationTemplate)
            w.string(header.layout.receiptsTemplate)
            w.varint(UInt64(header.layout.kinds.count))
            for k in header.layout.kinds { w.string(k.rawValue) }
            w.varint(UInt64(header.layout.patterns.count))
            for p in header.layout.patterns { w.string(p) }
            w.signed(header.writtenAtMs)
            w.string(header.writer)
            w.string(header.layout.mapping)  // appended later: absent in older files (read as "")
        }
        w.section(.partitions) { w in
            w.varint(UInt64(header.partitions.count))
            for p in header.partitions {
                w.string(p.topic)
                w.signed(Int64(p.partition))
                w.signed(p.nextOffset)
                w.signed(p.lowWatermark)
            }
        }
        w.section(.notifications) { w in
            // Tables first: kinds and topics (few distinct values, referenced by index).
            var kinds: [String: Int] = [:]
            var kindList: [String] = []
            var topics: [String: Int] = [:]
            var topicList: [String] = []
            for i in 0..<inbox.count {
                let kind = inbox.kind(at: i).rawValue
                if kindList.last != kind, kinds[kind] == nil {
                    kinds[kind] = kindList.count
                    kindList.append(kind)
                }
                let topic = inbox.topic(at: i)
                if topicList.last != topic, topics[topic] == nil {
                    topics[topic] = topicList.count
                    topicList.append(topic)
                }
            }
            w.varint(UInt64(kindList.count))
            for k in kindList { w.string(k) }
            w.varint(UInt64(topicList.count))
            for t in topicList { w.string(t) }
            w.varint(UInt64(inbox.count))
            var lastKind = (name: "", index: -1)
            var lastTopic = (name: "", index: -1)
            for i in 0..<inbox.count {
                let state = inbox.state(at: i)
                let n = inbox.notification(at: i)
                var bits: UInt64 = 0
                if n.user != nil { bits |= 1 }
                if n.body != nil { bits |= 2 }
                if n.actor != nil { bits |= 4 }
                if n.url != nil { bits |= 8 }
                if n.objectType != nil { bits |= 16 }
                if n.objectID != nil { bits |= 32 }
                if n.malformedReason != nil { bits |= 64 }
                if n.raw != nil { bits |= 128 }
                if !n.extra.isEmpty { bits |= 256 }
                w.varint(bits)
                w.byte(SnapshotCodec.stateCode(state))
                w.string(n.id)
                if lastKind.name != n.kind.rawValue { lastKind = (n.kind.rawValue, kinds[n.kind.rawValue] ?? 0) }
                w.varint(UInt64(lastKind.index))
                w.string(n.title)
                if let v = n.user { w.string(v) }
                if let v = n.body { w.string(v) }
                if let v = n.actor { w.string(v) }
                if let v = n.url { w.string(v) }
                if let v = n.objectType { w.string(v) }
                if let v = n.objectID { w.string(v) }
                if let v = n.malformedReason { w.string(v) }
                if let v = n.raw { w.string(v) }
                w.signed(n.createdAtMs)
                if lastTopic.name != n.source.topic { lastTopic = (n.source.topic, topics[n.source.topic] ?? 0) }
                w.varint(UInt64(lastTopic.index))
                w.signed(Int64(n.source.partition))
                w.signed(n.source.offset)
                if !n.extra.isEmpty {
                    w.varint(UInt64(n.extra.count))
                    for f in n.extra {
                        w.string(f.key)
                        w.string(f.value)
                        w.byte(f.isJSON ? 1 : 0)
                    }
                }
            }
        }
        let states = inbox.orphanStates
        if !states.isEmpty {
            // Receipts about notifications not held (not arrived yet, expired, or of a kind
            // not read): keep them, they apply when the notification shows up.
            w.section(.orphanStates) { w in
                var orphans: [(String, ReadState)] = states.map { ($0.key, $0.value) }
                orphans.sort { $0.0 < $1.0 }
                w.varint(UInt64(orphans.count))
                for (id, state) in orphans {
                    w.string(id)
                    w.byte(SnapshotCodec.stateCode(state))
                }
            }
        }
        SnapshotCodec.encodeTriage(inbox, into: &w)
        w.patchU64(at: 16, UInt64(w.bytes.count - SnapshotCodec.headerSize))
        let sum = w.bytes.withUnsafeBytes { XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[SnapshotCodec.headerSize...])) }
        w.patchU64(at: 24, sum)
        return w.bytes
    }
}
