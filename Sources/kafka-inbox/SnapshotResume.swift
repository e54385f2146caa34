import ArgumentParser
import Foundation
import InboxCore
import InboxFeed
import KafkaKit

/// Checks a snapshot against the running settings and the cluster, and decides where
/// each partition resumes (fast restart, issue 4 item 5). Anything that does not match
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
        let cluster = SnapshotStore.normalised(settings.kafka.brokers)
        if header.cluster != cluster { return "it was made for cluster \(header.cluster), not \(cluster)" }
        if header.layout != settings.layout { return "the topic layout (config [topics]) changed" }
        return nil
    }

    /// The start offsets for the reader (`InboxReader.verifyResume`): empty when rejected.
    func verify(topics: [TopicInfo], client: KafkaClient, settings: Settings) -> [TopicPartition: Int64] {
        let byName = Dictionary(topics.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var offsets: [TopicPartition: Int64] = [:]
        var notes: [String] = []
        func reject(_ why: String) -> [TopicPartition: Int64] {
            outcome = .rejected(why)
            return [:]
        }
        for p in header.partitions {
            let tp = TopicPartition(topic: p.topic, partition: p.partition)
            guard let topic = byName[p.topic], topic.errorCode == 0 else { return reject("topic \(p.topic) no longer exists") }
            guard topic.partitions.contains(p.partition) else { return reject("partition \(tp) no longer exists") }
            let marks: (low: Int64, high: Int64)
            do { marks = try client.watermarks(topic: p.topic, partition: p.partition, timeoutMs: settings.timeoutMs) } catch {
                return reject("cannot check \(tp): \(error)")
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
        return offsets
    }

    /// The header of a snapshot of what `reader` has read.
    static func header(settings: Settings, clusterID: String?, positions: [TopicPartition: Int64],
                       lows: [TopicPartition: Int64]) -> SnapshotHeader {
        let partitions = positions.map { tp, next in
            SnapshotPartition(topic: tp.topic, partition: tp.partition, nextOffset: next, lowWatermark: lows[tp] ?? 0)
        }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        return SnapshotHeader(user: settings.user, cluster: SnapshotStore.normalised(settings.kafka.brokers), clusterID: clusterID,
                              layout: settings.layout, writtenAtMs: Timestamps.nowMs(), partitions: partitions,
                              writer: "kafka-inbox/\(KafkaInbox.version)")
    }

    /// The snapshot's positions by partition.
    static func positions(_ header: SnapshotHeader) -> [TopicPartition: Int64] {
        Dictionary(header.partitions.map { (TopicPartition(topic: $0.topic, partition: $0.partition), $0.nextOffset) },
                   uniquingKeysWith: { a, _ in a })
    }
}

/// `--no-snapshot` and `--verbose` of `list` and `count`.
struct SnapshotOptions: ParsableArguments {
    @Flag(help: "Neither use nor write the local snapshot: read everything from Kafka.")
    var noSnapshot = false

    @Flag(name: [.customShort("v"), .long], help: "Say on stderr whether the snapshot was used and how many messages were read.")
    var verbose = false
}

/// The snapshot as `list` and `count` use it: loaded before the reader starts, checked by
/// the reader against the cluster, written after the inbox is read to its end.
final class SnapshotSession {
    let store: SnapshotStore
    let settings: Settings
    let verbose: Bool
    private var resume: SnapshotResume?
    private var restored: Inbox?
    private var restoredCount = 0

    /// nil when snapshots are off (`--no-snapshot`) or a kind filter is given (a snapshot
    /// holds every kind; filtered reads neither use nor write one).
    init?(settings: Settings, kinds: [Kind]?, options: SnapshotOptions) {
        guard !options.noSnapshot else { return nil }
        guard kinds == nil else {
            if options.verbose { Console.error("kafka-inbox: snapshot not used with --kinds") }
            return nil
        }
        self.settings = settings
        store = SnapshotStore(user: settings.user, bootstrap: settings.kafka.brokers)
        verbose = options.verbose
    }

    /// Loads the snapshot and has `reader` check it when it starts.
    func attach(to reader: InboxReader, resumeReceipts: Bool) {
        switch store.load() {
        case .none:
            if verbose { Console.error("kafka-inbox: no snapshot yet (\(store.path))") }
        case .unusable(let why):
            Console.error("kafka-inbox: snapshot \(store.path) is unusable: \(why); rebuilding from Kafka")
        case .snapshot(let snapshot, let bytes, let seconds):
            if let why = SnapshotResume.mismatch(snapshot.header, settings: settings) {
                Console.error("kafka-inbox: snapshot \(store.path) does not apply: \(why); rebuilding from Kafka")
                return
            }
            if verbose {
                Console.error("kafka-inbox: snapshot loaded: \(snapshot.inbox.count) notifications, \(bytes) bytes in \(Self.ms(seconds)) ms")
            }
            let check = SnapshotResume(header: snapshot.header, resumeReceipts: resumeReceipts)
            resume = check
            restored = snapshot.inbox
            restoredCount = snapshot.inbox.count
            let settings = self.settings
            reader.verifyResume = { topics, client in check.verify(topics: topics, client: client, settings: settings) }
        }
    }

    /// The inbox to start from (after `reader.start()`): the snapshot's when it passed the
    /// checks, else an empty one. Hands the inbox over (no copy is kept).
    func startingInbox() -> Inbox {
        let inbox = restored
        restored = nil
        guard let resume, let inbox else { return Inbox() }
        switch resume.outcome {
        case .resumed(let notes):
            if verbose { for n in notes { Console.error("kafka-inbox: snapshot: \(n)") } }
            return inbox
        case .rejected(let why):
            Console.error("kafka-inbox: snapshot \(store.path) does not match Kafka: \(why); rebuilding from Kafka")
            self.resume = nil
            return Inbox()
        case .pending:
            self.resume = nil
            return Inbox()
        }
    }

    /// After the inbox is read to its end (before pending receipts are applied on top):
    /// reports what was read, and writes the snapshot when something changed.
    func finish(reader: InboxReader, inbox: Inbox) {
        let positions = reader.positions
        if let resume {
            if verbose {
                Console.error("kafka-inbox: resumed from snapshot: \(restoredCount) notifications, read \(reader.catchUpRead) new messages")
            }
            if positions == SnapshotResume.positions(resume.header) { return }
        } else if verbose {
            Console.error("kafka-inbox: read \(reader.catchUpRead) messages from Kafka (no snapshot used)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let clusterID = resume?.clusterID ?? reader.consumer.client.clusterID(timeoutMs: min(settings.timeoutMs, 5000))
        let header = SnapshotResume.header(settings: settings, clusterID: clusterID, positions: positions, lows: reader.lowWatermarks)
        do {
            let bytes = try store.save(header, inbox: inbox)
            if verbose {
                let e = clock.now - started
                Console.error("kafka-inbox: snapshot written: \(inbox.count) notifications, \(bytes) bytes in "
                    + "\(Self.ms(Double(e.components.seconds) + Double(e.components.attoseconds) / 1e18)) ms")
            }
        } catch {
            Console.error("kafka-inbox: warning: cannot write the snapshot: \(error)")
        }
    }

    static func ms(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}
