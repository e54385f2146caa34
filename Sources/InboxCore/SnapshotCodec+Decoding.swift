extension SnapshotCodec {
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
        let (header, inbox) = try sections(bytes, notifications: true)
        guard let inbox else { throw .malformed("no notifications section") }
        return InboxSnapshot(header: header, inbox: inbox)
    }

    /// Decodes only the header and partitions (cheap: the notifications are not read),
    /// after checking the magic, version, length and checksum.
    public static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) -> SnapshotHeader {
        try sections(bytes, notifications: false).header
    }

    /// Walks the sections after checking the payload; the notification and orphan-state
    /// sections are read only when `notifications` is set (the inbox is nil otherwise).
    private static func sections(_ bytes: UnsafeRawBufferPointer, notifications: Bool)
        throws(SnapshotError) -> (header: SnapshotHeader, inbox: Inbox?) {
        let payload = try checkedPayload(bytes)
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
}
