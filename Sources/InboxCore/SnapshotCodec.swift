/// The binary snapshot format (what a restart shows before Kafka is read). Pure: bytes in, bytes out.
///
/// ```
/// offset 0   "KINBSNAP"                     magic, 8 bytes
///        8   version      u32 LE            major format version; another one is refused
///       12   flags        u32 LE            0 (reserved; anything else is refused)
///       16   length       u64 LE            payload bytes that follow the header
///       24   checksum     u64 LE            XXH64 (seed 0) of the payload
///       32   payload: sections, each  tag u8 · length u64 LE · body
/// ```
/// Sections: 1 header (identity), 2 partitions (next offsets), 3 notifications (read, no
/// longer written), 4 states of ids not held, 5 triage (row flags, snooze ends, mutes: SnapshotCodec+Triage.swift). Unknown tags are skipped, and bytes after the fields a
/// reader knows at the end of a section are ignored, so later versions can add data
/// without a major version change. Integers inside sections are LEB128 varints (signed
/// ones zigzag), strings are varint length + UTF-8, optional strings are varint
/// (length + 1) with 0 for absent.
///
/// 6 image: the inbox's arrays as they are in memory (Inbox+Image.swift), written instead
/// of 3 since it opens by copying, not by inserting every notification again.
///
/// Each notification of section 3: presence bits, state, id, kind (index into the section's kind
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
        case header = 1, partitions = 2, notifications = 3, orphanStates = 4, triage = 5, image = 6
    }

    // MARK: encoding

    /// The snapshot of `inbox` with `header`, as bytes.
    public static func encode(_ header: SnapshotHeader, inbox: Inbox) -> [UInt8] {
        encode(header, inbox: inbox, capacity: inbox.imageSize + inbox.count * 16) { w in
            // The inbox's arrays as they are (Inbox+Image.swift); readers before it find no
            // notifications section and read everything from Kafka again.
            w.section(.image) { w in inbox.writeImage(&w) }
        }
    }

    /// A whole file: the fixed header, the header and partitions sections, then what
    /// `notifications` writes, then the states of ids not held and the triage section, and
    /// the length and checksum patched in.
    static func encode(_ header: SnapshotHeader, inbox: Inbox, capacity: Int,
                       notifications: (inout ByteWriter) -> Void) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize + 4096 + capacity)
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
        notifications(&w)
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
                    w.byte(stateCode(state))
                }
            }
        }
        encodeTriage(inbox, into: &w)
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
        case .snoozed: return 3
        }
    }

    static func state(code: UInt8) throws(SnapshotError) -> ReadState {
        switch code {
        case 0: return .unread
        case 1: return .read
        case 2: return .acknowledged
        case 3: return .snoozed
        default: throw .malformed("state code \(code)")
        }
    }
}
