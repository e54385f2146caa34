extension SnapshotCodec {
    // MARK: decoding

    /// Decodes a whole snapshot. Any damage is a `SnapshotError`, never a crash.
    public static func decode(_ bytes: [UInt8]) throws(SnapshotError) -> InboxSnapshot {
        let result: Result<InboxSnapshot, SnapshotError> = bytes.withUnsafeBytes { buffer in
            do throws(SnapshotError) { return .success(try decode(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes a whole snapshot from memory, copying what the inbox keeps.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> InboxSnapshot {
        let (header, inbox) = try sections(bytes, notifications: true, owner: nil)
        guard let inbox else { throw .malformed("no notifications section") }
        return InboxSnapshot(header: header, inbox: inbox)
    }

    /// Decodes a whole snapshot from a mapped file: the inbox's store reads its text in
    /// place (and keeps `image` alive), the rest is copied.
    public static func decode(_ image: ImageBytes) throws(SnapshotError) -> InboxSnapshot {
        let (header, inbox) = try sections(image.bytes, notifications: true, owner: image)
        guard let inbox else { throw .malformed("no notifications section") }
        return InboxSnapshot(header: header, inbox: inbox)
    }

    /// Decodes only the header and partitions (cheap: the notifications are not read),
    /// after checking the magic, version, length and checksum.
    public static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> SnapshotHeader {
        try sections(bytes, notifications: false, owner: nil).header
    }

    /// Walks the sections after checking the payload; the notification and orphan-state
    /// sections are read only when `notifications` is set (the inbox is nil otherwise).
    private static func sections(_ bytes: UnsafeRawBufferPointer, notifications: Bool, owner: ImageBytes?)
        throws(SnapshotError) -> (header: SnapshotHeader, inbox: Inbox?) {
        let (payload, checksum) = try framedPayload(bytes)
        // The checksum is computed beside the decoding (every read below is checked, so
        // decoding bytes not yet known to be whole is safe); a mismatch wins over any other
        // error, and the job is waited for on every path (it reads `bytes`).
        let shared = SharedBytes(bytes: payload)
        let whole = SideJob { XXHash64.hash(shared.bytes) == checksum }
        let decoded: (header: SnapshotHeader, inbox: Inbox?)
        do throws(SnapshotError) {
            decoded = try walk(payload, notifications: notifications, owner: owner)
        } catch {
            guard whole.wait() else { throw .checksumMismatch }
            throw error
        }
        guard whole.wait() else { throw .checksumMismatch }
        return decoded
    }

    /// Decodes the sections of a payload (its checksum is checked by the caller).
    private static func walk(_ payload: UnsafeRawBufferPointer, notifications: Bool, owner: ImageBytes?)
        throws(SnapshotError) -> (header: SnapshotHeader, inbox: Inbox?) {
        var header: SnapshotHeader?
        var partitions: [SnapshotPartition]?
        var inbox: Inbox?
        var orphans: [(String, ReadState)] = []
        var triage: TriageSection?
        var r = ByteReader(payload)
        while !r.atEnd {
            let tag = try r.byte()
            let length = try r.u64()
            guard length <= UInt64(r.remaining) else { throw .truncated }
            var body = try r.sub(Int(length))
            switch Tag(rawValue: tag) {
            case .header?: header = try decodeHeader(&body)
            case .partitions?: partitions = try decodePartitions(&body)
            case .notifications? where notifications: inbox = try decodeNotifications(&body)
            case .image? where notifications: inbox = try Inbox.readImage(&body, owner: owner)
            case .orphanStates? where notifications: orphans = try decodeOrphans(&body)
            case .triage? where notifications: triage = try decodeTriage(&body)
            default: continue  // not wanted now, or a section from a later version: skipped
            }
        }
        guard var header else { throw .malformed("no header section") }
        guard let partitions else { throw .malformed("no partitions section") }
        header.partitions = partitions
        if notifications, var filled = inbox {
            for (id, state) in orphans { filled.setState(state, for: id) }
            if let triage { try triage.apply(to: &filled) }
            inbox = filled
        }
        return (header, inbox)
    }

    /// Checks the fixed header; returns the payload and the checksum it must have.
    static func framedPayload(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> (UnsafeRawBufferPointer, UInt64) {
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
        return (UnsafeRawBufferPointer(rebasing: bytes[headerSize...]), checksum)
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
        let mapping = r.atEnd ? "" : try r.string()
        var layout = TopicLayout(notificationTemplate: notificationTemplate, receiptsTemplate: receiptsTemplate,
                                 kinds: kinds, patterns: patterns)
        layout.mapping = mapping
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
