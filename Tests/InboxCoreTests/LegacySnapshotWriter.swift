@testable import InboxCore

/// The snapshot writer before section 6 (`image`): notifications one by one in section 3.
/// Snapshots written so are still on disk, and must still open.
enum LegacySnapshotWriter {
    static func encodeLegacy(_ header: SnapshotHeader, inbox: Inbox) -> [UInt8] {
        SnapshotCodec.encode(header, inbox: inbox, capacity: inbox.count * 192) { w in
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
        }
    }
}
