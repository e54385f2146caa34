/// The binary snapshot format (fast restart, issue 4 item 5). Pure: bytes in, bytes out.
///
/// ```
/// offset 0   "KINBSNAP"                     magic, 8 bytes
///        8   version      u32 LE            major format version; another one is refused
///       12   flags        u32 LE            0 (reserved; anything else is refused)
///       16   length       u64 LE            payload bytes that follow the header
///       24   checksum     u64 LE            XXH64 (seed 0) of the payload
///       32   payload: sections, each  tag u8 · length u64 LE · body
/// ```
/// Sections: 1 header (identity), 2 partitions (next offsets), 3 notifications,
/// 4 states of ids not held. Unknown tags are skipped, and bytes after the fields a
/// reader knows at the end of a section are ignored, so later versions can add data
/// without a major version change. Integers inside sections are LEB128 varints (signed
/// ones zigzag), strings are varint length + UTF-8, optional strings are varint
/// (length + 1) with 0 for absent.
///
/// Each notification: presence bits, state, id, kind (index into the section's kind
/// table), title, the present optional fields, created-at, source (topic index,
/// partition, offset) and extra fields. Notifications are stored in the inbox's arrival
/// order, so a restored inbox sorts exactly as the original one.
public enum SnapshotCodec {
    /// The major format version written and read.
    public static let version: UInt32 = 1
    /// The file magic.
    public static let magic: [UInt8] = Array("KINBSNAP".utf8)
    /// Bytes before the payload.
    public static let headerSize = 32

    enum Tag: UInt8 {
        case header = 1, partitions = 2, notifications = 3, orphanStates = 4
    }

    // MARK: encoding

    /// The snapshot of `inbox` with `header`, as bytes.
    public static func encode(_ header: SnapshotHeader, inbox: Inbox) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize + 4096 + inbox.count * 192)
        w.raw(magic)
        w.u32(version)
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
        var heldExplicit = 0
        w.section(.notifications) { w in
            // Tables first: kinds and topics (few distinct values, referenced by index).
            var kinds: [String: Int] = [:]
            var kindList: [String] = []
            var topics: [String: Int] = [:]
            var topicList: [String] = []
            for i in 0..<inbox.count {
                inbox.withNotification(at: i) { n in
                    if kindList.last != n.kind.rawValue, kinds[n.kind.rawValue] == nil {
                        kinds[n.kind.rawValue] = kindList.count
                        kindList.append(n.kind.rawValue)
                    }
                    if topicList.last != n.source.topic, topics[n.source.topic] == nil {
                        topics[n.source.topic] = topicList.count
                        topicList.append(n.source.topic)
                    }
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
                if state != .unread { heldExplicit += 1 }
                inbox.withNotification(at: i) { n in
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
                    w.byte(stateCode(state))
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
        let states = inbox.explicitStates
        if states.count > heldExplicit {
            // Receipts about notifications not held (not arrived yet, expired, or of a kind
            // not read): keep them, they apply when the notification shows up.
            w.section(.orphanStates) { w in
                var orphans: [(String, ReadState)] = []
                for (id, state) in states where inbox.index(ofID: id) == nil { orphans.append((id, state)) }
                orphans.sort { $0.0 < $1.0 }
                w.varint(UInt64(orphans.count))
                for (id, state) in orphans {
                    w.string(id)
                    w.byte(stateCode(state))
                }
            }
        }
        w.patchU64(at: 16, UInt64(w.bytes.count - headerSize))
        let sum = w.bytes.withUnsafeBytes { XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        w.patchU64(at: 24, sum)
        return w.bytes
    }

    @inline(__always) static func stateCode(_ s: ReadState) -> UInt8 {
        switch s {
        case .unread: return 0
        case .read: return 1
        case .acknowledged: return 2
        }
    }

    static func state(code: UInt8) throws(SnapshotError) -> ReadState {
        switch code {
        case 0: return .unread
        case 1: return .read
        case 2: return .acknowledged
        default: throw .malformed("state code \(code)")
        }
    }

    // MARK: decoding

    /// Decodes a whole snapshot. Any damage is a `SnapshotError`, never a crash.
    public static func decode(_ bytes: [UInt8]) throws(SnapshotError) -> InboxSnapshot {
        let result: Result<InboxSnapshot, SnapshotError> = bytes.withUnsafeBytes { buffer in
            do throws(SnapshotError) { return .success(try decode(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes a whole snapshot from memory (e.g. a mapped file).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> InboxSnapshot {
        let payload = try checkedPayload(bytes)
        var header: SnapshotHeader?
        var partitions: [SnapshotPartition]?
        var inbox: Inbox?
        var orphans: [(String, ReadState)] = []
        var r = ByteReader(payload)
        while !r.atEnd {
            let tag = try r.byte()
            let length = try r.u64()
            guard length <= UInt64(r.remaining) else { throw .truncated }
            var body = try r.sub(Int(length))
            switch Tag(rawValue: tag) {
            case .header?: header = try decodeHeader(&body)
            case .partitions?: partitions = try decodePartitions(&body)
            case .notifications?: inbox = try decodeNotifications(&body)
            case .orphanStates?: orphans = try decodeOrphans(&body)
            case nil: continue  // a section from a later version: skipped
            }
        }
        guard var header else { throw .malformed("no header section") }
        guard let partitions else { throw .malformed("no partitions section") }
        guard var inbox else { throw .malformed("no notifications section") }
        header.partitions = partitions
        for (id, state) in orphans { inbox.setState(state, for: id) }
        return InboxSnapshot(header: header, inbox: inbox)
    }

    /// Decodes only the header and partitions (cheap: the notifications are not read),
    /// after checking the magic, version, length and checksum.
    public static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> SnapshotHeader {
        let payload = try checkedPayload(bytes)
        var header: SnapshotHeader?
        var partitions: [SnapshotPartition]?
        var r = ByteReader(payload)
        while !r.atEnd {
            let tag = try r.byte()
            let length = try r.u64()
            guard length <= UInt64(r.remaining) else { throw .truncated }
            var body = try r.sub(Int(length))
            switch Tag(rawValue: tag) {
            case .header?: header = try decodeHeader(&body)
            case .partitions?: partitions = try decodePartitions(&body)
            default: continue
            }
        }
        guard var header else { throw .malformed("no header section") }
        guard let partitions else { throw .malformed("no partitions section") }
        header.partitions = partitions
        return header
    }

    /// Checks the fixed header and the checksum; returns the payload.
    static func checkedPayload(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> UnsafeRawBufferPointer {
        guard bytes.count >= 8 else {
            throw bytes.elementsEqual(magic.prefix(bytes.count)) ? .truncated : .badMagic
        }
        guard bytes.prefix(8).elementsEqual(magic) else { throw .badMagic }
        guard bytes.count >= headerSize else { throw .truncated }
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[8..<headerSize]))
        let version = try r.u32()
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let flags = try r.u32()
        guard flags == 0 else { throw .malformed("unknown flags \(flags)") }
        let length = try r.u64()
        let checksum = try r.u64()
        let available = UInt64(bytes.count - headerSize)
        if length > available { throw .truncated }
        if length < available { throw .malformed("\(available - length) bytes after the end") }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[headerSize...])
        guard XXHash64.hash(payload) == checksum else { throw .checksumMismatch }
        return payload
    }

    static func decodeHeader(_ r: inout ByteReader) throws(SnapshotError) -> SnapshotHeader {
        let user = try r.string()
        let cluster = try r.string()
        let clusterID = try r.optString()
        let notificationTemplate = try r.string()
        let receiptsTemplate = try r.string()
        var kinds: [Kind] = []
        for _ in 0..<(try r.count(minBytes: 1)) { kinds.append(Kind(rawValue: try r.string())) }
        var patterns: [String] = []
        for _ in 0..<(try r.count(minBytes: 1)) { patterns.append(try r.string()) }
        let writtenAt = try r.signed()
        let writer = try r.string()
        let layout = TopicLayout(notificationTemplate: notificationTemplate, receiptsTemplate: receiptsTemplate,
                                 kinds: kinds, patterns: patterns)
        return SnapshotHeader(user: user, cluster: cluster, clusterID: clusterID, layout: layout,
                              writtenAtMs: writtenAt, partitions: [], writer: writer)
    }

    static func decodePartitions(_ r: inout ByteReader) throws(SnapshotError) -> [SnapshotPartition] {
        let n = try r.count(minBytes: 4)
        var out: [SnapshotPartition] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let topic = try r.string()
            let partition = try r.int32()
            let next = try r.signed()
            let low = try r.signed()
            out.append(SnapshotPartition(topic: topic, partition: partition, nextOffset: next, lowWatermark: low))
        }
        return out
    }

    static func decodeOrphans(_ r: inout ByteReader) throws(SnapshotError) -> [(String, ReadState)] {
        let n = try r.count(minBytes: 2)
        var out: [(String, ReadState)] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let id = try r.string()
            out.append((id, try state(code: try r.byte())))
        }
        return out
    }

    static func decodeNotifications(_ r: inout ByteReader) throws(SnapshotError) -> Inbox {
        var kinds: [Kind] = []
        for _ in 0..<(try r.count(minBytes: 1)) { kinds.append(Kind(rawValue: try r.string())) }
        var topics: [String] = []
        for _ in 0..<(try r.count(minBytes: 1)) { topics.append(try r.string()) }
        let n = try r.count(minBytes: 8)
        var inbox = Inbox()
        inbox.reserveCapacity(n)
        for _ in 0..<n {
            let bits = try r.varint()
            let state = try state(code: try r.byte())
            let id = try r.string()
            let kindIndex = try r.varint()
            guard kindIndex < UInt64(kinds.count) else { throw .malformed("kind index \(kindIndex) of \(kinds.count)") }
            let title = try r.string()
            let user = bits & 1 != 0 ? try r.string() : nil
            let body = bits & 2 != 0 ? try r.string() : nil
            let actor = bits & 4 != 0 ? try r.string() : nil
            let url = bits & 8 != 0 ? try r.string() : nil
            let objectType = bits & 16 != 0 ? try r.string() : nil
            let objectID = bits & 32 != 0 ? try r.string() : nil
            let malformedReason = bits & 64 != 0 ? try r.string() : nil
            let raw = bits & 128 != 0 ? try r.string() : nil
            let createdAt = try r.signed()
            let topicIndex = try r.varint()
            guard topicIndex < UInt64(topics.count) else { throw .malformed("topic index \(topicIndex) of \(topics.count)") }
            let partition = try r.int32()
            let offset = try r.signed()
            var extra: [ExtraField] = []
            if bits & 256 != 0 {
                let m = try r.count(minBytes: 3)
                extra.reserveCapacity(m)
                for _ in 0..<m {
                    let key = try r.string()
                    let value = try r.string()
                    extra.append(ExtraField(key: key, value: value, isJSON: try r.byte() != 0))
                }
            }
            let notification = Notification(
                id: id, kind: kinds[Int(kindIndex)], user: user, title: title, body: body, actor: actor, url: url,
                createdAtMs: createdAt, objectType: objectType, objectID: objectID, extra: extra,
                source: SourcePosition(topic: topics[Int(topicIndex)], partition: partition, offset: offset),
                malformedReason: malformedReason, raw: raw)
            if state != .unread { inbox.setState(state, for: id) }
            guard inbox.insert(notification) else { throw .malformed("duplicate id \(id)") }
        }
        return inbox
    }
}

// MARK: - bytes

/// Appends little-endian integers, varints and strings to a growing buffer.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func patchU64(at offset: Int, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { src in
            for i in 0..<8 { bytes[offset + i] = src[i] }
        }
    }

    @inline(__always) mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always) mutating func signed(_ v: Int64) {
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    @inline(__always) mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optString(_ value: String?) {
        guard var s = value else { varint(0); return }
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count) + 1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes `tag`, a length placeholder, the body, then patches the length.
    mutating func section(_ tag: SnapshotCodec.Tag, _ body: (inout ByteWriter) -> Void) {
        byte(tag.rawValue)
        let at = bytes.count
        u64(0)
        body(&self)
        patchU64(at: at, UInt64(bytes.count - at - 8))
    }
}

/// Reads what `ByteWriter` wrote, bounds-checked: running out is `.truncated`.
struct ByteReader {
    private let base: UnsafeRawPointer?
    private let end: Int
    private var at = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress
        end = buffer.count
    }

    var atEnd: Bool { at >= end }
    var remaining: Int { end - at }

    @inline(__always) mutating func byte() throws(SnapshotError) -> UInt8 {
        guard at < end, let base else { throw .truncated }
        let b = base.load(fromByteOffset: at, as: UInt8.self)
        at += 1
        return b
    }

    mutating func u32() throws(SnapshotError) -> UInt32 {
        guard end - at >= 4, let base else { throw .truncated }
        let v = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        at += 4
        return v
    }

    mutating func u64() throws(SnapshotError) -> UInt64 {
        guard end - at >= 8, let base else { throw .truncated }
        let v = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        at += 8
        return v
    }

    /// The next `count` bytes as a reader of their own.
    mutating func sub(_ count: Int) throws(SnapshotError) -> ByteReader {
        guard count >= 0, end - at >= count else { throw .truncated }
        let r = ByteReader(UnsafeRawBufferPointer(start: base.map { $0 + at }, count: count))
        at += count
        return r
    }

    @inline(__always) mutating func varint() throws(SnapshotError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63 && b > 1 { throw .malformed("varint overflow") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformed("varint overflow") }
        }
    }

    @inline(__always) mutating func signed() throws(SnapshotError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func int32() throws(SnapshotError) -> Int32 {
        let v = try signed()
        guard let i = Int32(exactly: v) else { throw .malformed("\(v) is not a partition number") }
        return i
    }

    /// A count of items each taking at least `minBytes` bytes: larger than what is left is
    /// damage, refused before anything is allocated for it.
    mutating func count(minBytes: Int) throws(SnapshotError) -> Int {
        let v = try varint()
        guard v <= UInt64(remaining / max(1, minBytes)) else { throw .truncated }
        return Int(v)
    }

    @inline(__always) mutating func string() throws(SnapshotError) -> String {
        let n = try varint()
        guard n <= UInt64(end - at), let base else {
            if n == 0 { return "" }
            throw .truncated
        }
        let s = String(decoding: UnsafeRawBufferPointer(start: base + at, count: Int(n)).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        at += Int(n)
        return s
    }

    mutating func optString() throws(SnapshotError) -> String? {
        let n = try varint()
        if n == 0 { return nil }
        guard n - 1 <= UInt64(end - at), let base else {
            if n == 1 { return "" }
            throw .truncated
        }
        let s = String(decoding: UnsafeRawBufferPointer(start: base + at, count: Int(n - 1)).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        at += Int(n - 1)
        return s
    }
}
