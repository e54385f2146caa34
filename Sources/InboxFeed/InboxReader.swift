import Foundation
import InboxCore
import KafkaKit

/// Reads a user's notification topics and receipts topic with ONE consumer. Two ways to get
/// partitions: *assigned* (the default: every partition assigned by the reader itself, no
/// consumer group, so every terminal sees everything) and *group* (`InboxFeedConfig.group`:
/// the notification topics through a consumer group, each message to one member, offsets
/// committed by `commit()`; receipts are then read by a second, assigned reader).
/// Knows the high watermarks at start, so it can say when it has caught up.
/// Call it from one thread.
public final class InboxReader: @unchecked Sendable {
    public let config: InboxFeedConfig
    public let consumer: KafkaConsumer
    let receiptsTopic: String
    /// Whether the receipts topic is shared by several users (`TopicLayout.receiptsShared`,
    /// asked once: it searches the template).
    let receiptsShared: Bool
    /// `--from <time>`: notifications older than this are skipped.
    let startTimeMs: Int64?
    /// Partitions still to reach their start-time high watermark, whose topic has not been
    /// met in a message yet (then they move to its `TopicEntry`).
    var targets: [TopicPartition: Int64] = [:]
    /// What the per-message path needs of a topic, by `MessageView.topicIndex` (no hashing
    /// of topic names per message).
    struct TopicEntry {
        var name: String
        var kind: Kind?
        var isReceipts: Bool
        /// Next offset per partition after the last message handled; -1 when none yet.
        var positions: [Int64] = []
        /// High watermark to reach per partition; -1 when none (reached, or none set).
        var targets: [Int64]
        /// Tail-first plans per partition (empty when none has one).
        var tails: [TailPlan] = []
    }
    var topics: [TopicEntry?] = []
    /// Rows of each partition read before its history (0: in log order); set before `start`.
    public var tailFirst: Int64 = 0
    /// How long partitions whose tail is read wait for the other tails (`InboxReaderTuning.tailBarrierMs`).
    public var tailBarrierMs = InboxReaderTuning.tailBarrierMs
    /// Tail-first plans of partitions whose topic has not been met in a message yet.
    var tailPlans: [TopicPartition: TailPlan] = [:]
    /// Partitions with a plan whose history is not read yet.
    var tailPartitions = 0
    /// Partitions with a plan still reading their tail.
    var tailsReading = 0
    /// Partitions whose tail is read, waiting to go back to their history until every tail
    /// is in (history fetched first queues ahead of the tails still to come, and the first
    /// screen waits behind it) or `tailBarrier` has passed (a partition that does not answer).
    var waitingForHistory: [(t: Int, p: Int, tp: TopicPartition)] = []
    /// When the wait for every tail ends regardless (set at the first step with tails to read).
    var tailBarrierEnds: ContinuousClock.Instant?
    /// Whether a tail read now goes straight on to its history.
    var tailBarrierLifted = false
    /// Keys of the receipts read in the receipts partitions' tails (their history's older
    /// receipts of these keys are dropped).
    var tailKeys = TailKeys()
    /// Counts `step` calls (a plan skips the rest of the batch in which it sought).
    var batchNumber = 0
    /// Partitions in `topics` whose target is not reached yet.
    var entryTargets = 0
    /// Started partitions whose watermarks their leader did not tell at start (a broker
    /// down, a leader moving): catch-up waits for them until a fetch tells their end.
    var unknownEnds: [TopicPartition: UnknownEnd] = [:]
    var lastEndCheck = ContinuousClock.now
    /// After this, a partition whose end is still unknown is no longer waited for.
    var unknownEndsDeadline = ContinuousClock.now
    /// Total messages to read to catch up, and read so far.
    public internal(set) var catchUpTotal: Int64 = 0
    public internal(set) var catchUpRead: Int64 = 0
    /// Standard topics that do not exist (yet).
    public internal(set) var missingTopics: [String] = []
    private var lastTopicScan = ContinuousClock.now
    /// Time spent decoding notifications, when `timeDecoding` is set (diagnostics).
    public internal(set) var decodeNs: UInt64 = 0
    var decoded = 0
    /// Whether to measure `decodeNs`.
    public var timeDecoding = false
    /// The `[schema]` mapping, when messages are in a producer's own shape.
    let mapper: MessageMapper?
    /// Messages not for this user (mapped `for_me` false), skipped before they cost memory.
    public internal(set) var skipped = 0
    /// Whether to report every mapped message's outcome in `ReadBatch.outcomes` (`schema test`).
    public var recordsOutcomes = false
    /// Group mode: the high watermark of every partition of the topics at start, and the
    /// offsets handled since the last `commit()`.
    var groupEnds: [TopicPartition: Int64]?
    /// Group mode: the notification topics found at start (their ends are asked for only
    /// when `caughtUp` is first asked).
    var groupTopics: [TopicInfo] = []
    private var uncommitted: [TopicPartition: Int64] = [:]
    /// Group mode: the next offset of every partition handled (messages and ends reached).
    private var groupPositions: [TopicPartition: Int64] = [:]

    // Resuming from a local snapshot ──────────────────────────────────────────────────────
    /// Called by `start()` with the topics found, before anything is assigned: returns the
    /// next offset per partition to start at instead of the beginning (a checked snapshot).
    /// It may also return the watermarks it asked for: the start then asks only for the others.
    public var verifyResume: ((_ topics: [TopicInfo], _ client: KafkaClient) -> ResumeCheck)?
    /// The offsets `verifyResume` returned (kept at least at each low watermark).
    var startOffsets: [TopicPartition: Int64] = [:]
    /// Watermarks `verifyResume` asked for a moment before the start (used by it, then forgotten).
    var knownWatermarks: [TopicPartition: (low: Int64, high: Int64)] = [:]
    /// Where each started partition started.
    var startPositions: [TopicPartition: Int64] = [:]
    /// Each started partition's low watermark at its start.
    public internal(set) var lowWatermarks: [TopicPartition: Int64] = [:]

    /// Next offset per started partition: after the last message handled, else the start.
    /// Built on demand (O(partitions)); the per-message path only writes an array slot.
    public var positions: [TopicPartition: Int64] {
        var result = startPositions
        for case let e? in topics {
            for (p, next) in e.positions.enumerated() where next >= 0 {
                result[TopicPartition(topic: e.name, partition: Int32(p))] = next
            }
        }
        return result
    }
    // ──────────────────────────────────────────────────────────────────────────────────

    private var needsTopicScan: Bool {
        config.includeNotifications && (!config.layout.patterns.isEmpty || !missingTopics.isEmpty)
    }

    /// Whether every partition has been read up to its high watermark at start (group mode:
    /// every partition the group gave this member).
    public var caughtUp: Bool {
        guard config.group != nil else { return targets.isEmpty && entryTargets == 0 && unknownEnds.isEmpty }
        guard let assigned = try? consumer.assignment(), !assigned.isEmpty else { return false }
        let ends = groupEnds ?? noteGroupEnds()
        return assigned.allSatisfy { tp in
            let end = ends[tp] ?? 0
            return end == 0 || (groupPositions[tp] ?? 0) >= end
        }
    }

    /// Creates the consumer (nothing is read before `start()`).
    public init(config: InboxFeedConfig) throws(InboxReaderError) {
        self.config = config
        receiptsTopic = config.receiptsTopic
        receiptsShared = config.layout.receiptsShared
        if case .time(let t) = config.start { startTimeMs = t } else { startTimeMs = nil }
        var kafka = config.kafka
        if kafka["enable.partition.eof"] == nil { kafka.set("enable.partition.eof", "true", origin: "kafka-inbox") }
        if kafka["queued.max.messages.kbytes"] == nil {
            // Fetched and not yet read: every partition forwards to one queue, so this bounds
            // them all together (plus the fetch responses in flight), whatever their count.
            kafka.set("queued.max.messages.kbytes", String(InboxReaderTuning.queuedKilobytes), origin: "kafka-inbox (memory bound)")
        }
        if kafka["fetch.max.bytes"] == nil {
            // A fetch response may overshoot that bound by its size: 8 MB, not 50.
            kafka.set("fetch.max.bytes", String(InboxReaderTuning.fetchMaxBytes), origin: "kafka-inbox (memory bound)")
        }
        // If messages expire between the watermark query and the first fetch, start at the
        // oldest left rather than jumping to the end (which would lose receipts).
        if let group = config.group {
            kafka.set("group.id", group, origin: "--group")
            kafka.set("auto.offset.reset", config.start == .beginning ? "earliest" : "latest", origin: "--from")
            if kafka["session.timeout.ms"] == nil {
                // A join whose answer a failing coordinator lost leaves a member behind that the
                // group waits for until its session times out: 10 s, not librdkafka's 45.
                kafka.set("session.timeout.ms", "10000", origin: "kafka-inbox (group fail-over)")
            }
        } else if kafka["auto.offset.reset"] == nil {
            kafka.set("auto.offset.reset", "earliest", origin: "kafka-inbox")
        }
        if let wait = config.fetchWaitMaxMs, kafka["fetch.wait.max.ms"] == nil {
            // The embedded broker (and a broker without new data) answers a fetch only after
            // this wait, so it bounds live latency (the target: produce-to-screen p99 < 50 ms).
            kafka.set("fetch.wait.max.ms", wait, origin: "kafka-inbox (live updates)")
        }
        do { mapper = try config.schema.map { try MessageMapper(schema: $0, user: config.user, groups: config.groups) } } catch {
            throw .configuration("\(error)")
        }
        do { consumer = try KafkaConsumer(config: kafka) } catch {
            throw .configuration((error as? KafkaError)?.reason ?? "\(error)")
        }
    }

    /// Finds the topics and partitions and starts reading them. Throws
    /// `InboxReaderError.unreachable` when the broker does not answer within the timeout.
    public func start() throws(InboxReaderError) {
        let all = try metadata()
        if let verifyResume {
            let check = verifyResume(all, consumer.client)
            startOffsets = check.offsets
            knownWatermarks = check.watermarks
        }
        do {
            if config.group != nil { try joinGroup(all) } else { try startPartitions(all, initial: true) }
        } catch {
            throw (error as? InboxReaderError) ?? .request((error as? KafkaError) ?? KafkaError(reason: "\(error)"))
        }
    }

    /// Group mode: commits the offsets handled so far (call after they are processed:
    /// at-least-once). Does nothing in assigned mode.
    public func commit() {
        guard config.group != nil, !uncommitted.isEmpty else { return }
        try? consumer.commit(uncommitted)
        uncommitted.removeAll(keepingCapacity: true)
    }

    func noteGroupPosition(_ topic: String, _ partition: Int32, _ next: Int64) {
        let tp = TopicPartition(topic: topic, partition: partition)
        uncommitted[tp] = next
        groupPositions[tp] = next
    }

    /// Leaves the consumer group at once (the group rebalances now, not after the session
    /// timeout) or stops the partitions.
    public func close() { consumer.close() }

    /// Reads one batch (waiting up to `timeoutMs`). Also picks up topics created later.
    public func step(timeoutMs: Int32) -> ReadBatch {
        var batch = ReadBatch()
        batchNumber += 1
        consumer.consumeBatch(timeoutMs: timeoutMs) { m in handle(m, into: &batch) }
        if !tailBarrierLifted, tailPartitions > 0 { stepTailBarrier() }
        for e in consumer.pollErrors() { batch.conditions.append(condition(e)) }
        if !unknownEnds.isEmpty, ContinuousClock.now - lastEndCheck > .milliseconds(100) { resolveUnknownEnds(into: &batch) }
        // Only a layout that can gain topics (patterns, or standard topics not created yet)
        // asks for the cluster's topic list again; never more than every 10 s. (A group
        // subscription follows patterns by itself.)
        if config.group == nil, needsTopicScan, ContinuousClock.now - lastTopicScan > .seconds(10) {
            lastTopicScan = .now
            if let all = try? consumer.client.topics(timeoutMs: 2000) { try? startPartitions(all, initial: false) }
        }
        return batch
    }
}
