/// Where reading stopped in one partition when a snapshot was taken.
public struct SnapshotPartition: Sendable, Hashable {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The offset of the next message to read (everything before it is in the snapshot).
    public var nextOffset: Int64
    /// The partition's low watermark when it was last started (a later low watermark
    /// below it means the topic was recreated).
    public var lowWatermark: Int64

    /// Creates one.
    public init(topic: String, partition: Int32, nextOffset: Int64, lowWatermark: Int64) {
        self.topic = topic
        self.partition = partition
        self.nextOffset = nextOffset
        self.lowWatermark = lowWatermark
    }
}

/// What a snapshot is about (checked against the running configuration and the cluster
/// before it is used) and where reading resumes.
public struct SnapshotHeader: Sendable, Hashable {
    /// The user whose inbox this is.
    public var user: String
    /// The bootstrap servers, normalised (lower case, sorted).
    public var cluster: String
    /// The cluster id Kafka reports, when it reported one.
    public var clusterID: String?
    /// The topic layout the snapshot was read with.
    public var layout: TopicLayout
    /// When the snapshot was written (ms since the epoch).
    public var writtenAtMs: Int64
    /// The next offset of every partition read (notification topics and receipts topic).
    public var partitions: [SnapshotPartition]
    /// The program that wrote it (`kafka-inbox/0.1`), for diagnostics only.
    public var writer: String

    /// Creates a header.
    public init(user: String, cluster: String, clusterID: String?, layout: TopicLayout, writtenAtMs: Int64,
                partitions: [SnapshotPartition], writer: String = "") {
        self.user = user
        self.cluster = cluster
        self.clusterID = clusterID
        self.layout = layout
        self.writtenAtMs = writtenAtMs
        self.partitions = partitions
        self.writer = writer
    }
}

/// A decoded snapshot: its header and the inbox it holds (notifications in their original
/// arrival order, states by id, receipts for notifications not held included).
public struct InboxSnapshot: Sendable {
    /// Identity and positions.
    public var header: SnapshotHeader
    /// The inbox, ready to use.
    public var inbox: Inbox

    /// Creates one.
    public init(header: SnapshotHeader, inbox: Inbox) {
        self.header = header
        self.inbox = inbox
    }
}

/// Why bytes are not a usable snapshot.
public enum SnapshotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file does not start with the snapshot magic.
    case badMagic
    /// A format version this program does not read.
    case unsupportedVersion(UInt32)
    /// The bytes end before the data they announce.
    case truncated
    /// The checksum of the payload does not match (damaged file).
    case checksumMismatch
    /// The structure is inconsistent (a count or an index out of range…).
    case malformed(String)

    public var description: String {
        switch self {
        case .badMagic: return "not a kafka-inbox snapshot (bad magic)"
        case .unsupportedVersion(let v): return "snapshot format version \(v) is not supported (this program reads \(SnapshotCodec.version))"
        case .truncated: return "truncated (short read)"
        case .checksumMismatch: return "damaged (bad checksum)"
        case .malformed(let why): return "malformed (\(why))"
        }
    }
}
