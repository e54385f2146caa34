import InboxCore
import InboxFeed
import KafkaKit

/// Checks a snapshot against the running settings and the cluster, and decides where
/// each partition resumes. Anything that does not match
/// rejects the whole snapshot: the inbox is then rebuilt from Kafka.
final class SnapshotResume: @unchecked Sendable {
    /// What the check decided (set by `verify`, on the thread that starts the reader).
    enum Outcome {
        case pending
        /// Resumed; notes about partitions whose older messages expired meanwhile.
        case resumed(notes: [String])
        /// Not usable, and why (one line).
        case rejected(String)
    }

    let header: SnapshotHeader
    /// Whether the receipts topic resumes too. Not when receipts of ours are pending in the
    /// outbox: those must be looked for on the whole topic (a run killed between delivery
    /// and the outbox update must not deliver them twice).
    let resumeReceipts: Bool
    private(set) var outcome: Outcome = .pending
    /// The cluster id seen while checking.
    private(set) var clusterID: String?

    init(header: SnapshotHeader, resumeReceipts: Bool) {
        self.header = header
        self.resumeReceipts = resumeReceipts
    }

    /// Why a snapshot cannot be used with these settings (no broker needed), or nil.
    static func mismatch(_ header: SnapshotHeader, settings: Settings) -> String? {
        if header.user != settings.user { return "it belongs to user '\(header.user)'" }
        let cluster = settings.cluster
        if header.cluster != cluster { return "it was made for cluster \(header.cluster), not \(cluster)" }
        if header.layout != settings.layout { return "the topic layout (config [topics]) changed" }
        return nil
    }

    /// The start offsets for the reader (`InboxReader.verifyResume`), empty when rejected,
    /// and the watermarks asked on the way (the start uses them rather than asking again).
    func verify(topics: [TopicInfo], client: KafkaClient, settings: Settings) -> ResumeCheck {
        let byName = Dictionary(topics.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var offsets: [TopicPartition: Int64] = [:]
        var notes: [String] = []
        var found: [TopicPartition: (low: Int64, high: Int64)] = [:]
        func reject(_ why: String) -> ResumeCheck {
            outcome = .rejected(why)
            return ResumeCheck(offsets: [:], watermarks: found)
        }
        for p in header.partitions {
            let tp = TopicPartition(topic: p.topic, partition: p.partition)
            guard let topic = byName[p.topic], topic.errorCode == 0 else { return reject("topic \(p.topic) no longer exists") }
            guard topic.partitions.contains(p.partition) else { return reject("partition \(tp) no longer exists") }
        }
        // Asked concurrently: a partition whose leader does not answer now (a broker down)
        // is resumed where the snapshot left it, unchecked, rather than losing the snapshot.
        let asked = header.partitions.map { TopicPartition(topic: $0.topic, partition: $0.partition) }
        let failures: [TopicPartition: KafkaError]
        (found, failures) = client.watermarks(of: asked, timeoutMs: min(settings.timeoutMs, 3000))
        if found.isEmpty, let failure = failures.values.first { return reject("cannot check the partitions: \(failure)") }
        if !failures.isEmpty { notes.append("\(failures.count) partition(s) resumed unchecked: their leader did not answer") }
        for p in header.partitions {
            let tp = TopicPartition(topic: p.topic, partition: p.partition)
            guard let marks = found[tp] else {
                if !(p.topic == settings.receiptsTopic && !resumeReceipts) { offsets[tp] = p.nextOffset }
                continue
            }
            if marks.high < p.nextOffset {
                return reject("\(tp) ends at offset \(marks.high), before the snapshot's \(p.nextOffset) (topic recreated or truncated)")
            }
            if marks.low < p.lowWatermark {
                return reject("\(tp) now starts at offset \(marks.low), before the snapshot's \(p.lowWatermark) (topic recreated)")
            }
            if marks.low > p.nextOffset {
                notes.append("\(tp): messages \(p.nextOffset)..<\(marks.low) expired before they were read; continuing at \(marks.low)")
            }
            if p.topic == settings.receiptsTopic && !resumeReceipts { continue }
            offsets[tp] = max(p.nextOffset, marks.low)
        }
        let id = client.clusterID(timeoutMs: min(settings.timeoutMs, 5000))
        clusterID = id
        if let old = header.clusterID, let id, old != id {
            return reject("the cluster id changed from \(old) to \(id) (another cluster, or the broker was restarted)")
        }
        outcome = .resumed(notes: notes)
        return ResumeCheck(offsets: offsets, watermarks: found)
    }

    /// The header of a snapshot of what `reader` has read.
    static func header(settings: Settings, clusterID: String?, positions: [TopicPartition: Int64],
                       lows: [TopicPartition: Int64]) -> SnapshotHeader {
        let partitions = positions.map { tp, next in
            SnapshotPartition(topic: tp.topic, partition: tp.partition, nextOffset: next, lowWatermark: lows[tp] ?? 0)
        }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        return SnapshotHeader(user: settings.user, cluster: settings.cluster, clusterID: clusterID,
                              layout: settings.layout, writtenAtMs: Timestamps.nowMs(), partitions: partitions,
                              writer: "kafka-inbox/\(ProductInfo.version)")
    }

    /// The snapshot's positions by partition.
    static func positions(_ header: SnapshotHeader) -> [TopicPartition: Int64] {
        Dictionary(header.partitions.map { (TopicPartition(topic: $0.topic, partition: $0.partition), $0.nextOffset) },
                   uniquingKeysWith: { a, _ in a })
    }
}
