import Foundation
import InboxCore
import KafkaKit

/// What one step of reading produced.
public struct ReadBatch: Sendable {
    public var notifications: [InboxCore.Notification] = []
    /// Notifications packed (instead of `notifications`) when the reader `packsNotifications`.
    public var packed = PackedNotifications()
    public var receipts: [Receipt] = []
    /// Malformed receipts (skipped, but counted and shown).
    public var badReceipts = 0
    /// Client errors in words (broker down, authentication…).
    public var errors: [String] = []

    public init() {}
}

/// Reads a user's notification topics and receipts topic with ONE consumer, assigning every
/// partition itself (no consumer group: every terminal sees everything, DESIGN §3).
/// Knows the high watermarks at start, so it can say when it has caught up.
/// Call it from one thread.
public final class InboxReader: @unchecked Sendable {
    public let config: InboxFeedConfig
    public let consumer: KafkaConsumer
    private let receiptsTopic: String
    /// `--from <time>`: notifications older than this are skipped.
    private let startTimeMs: Int64?
    /// Partitions still to reach their start-time high watermark, whose topic has not been
    /// met in a message yet (then they move to its `TopicEntry`).
    private var targets: [TopicPartition: Int64] = [:]
    /// What the per-message path needs of a topic, by `MessageView.topicIndex` (no hashing
    /// of topic names per message).
    private struct TopicEntry {
        var name: String
        var kind: Kind?
        var isReceipts: Bool
        /// Next offset per partition after the last message handled; -1 when none yet.
        var positions: [Int64] = []
        /// High watermark to reach per partition; -1 when none (reached, or none set).
        var targets: [Int64]
    }
    private var topics: [TopicEntry?] = []
    /// Partitions in `topics` whose target is not reached yet.
    private var entryTargets = 0
    /// Total messages to read to catch up, and read so far.
    public private(set) var catchUpTotal: Int64 = 0
    public private(set) var catchUpRead: Int64 = 0
    /// Standard topics that do not exist (yet).
    public private(set) var missingTopics: [String] = []
    private var lastTopicScan = ContinuousClock.now
    /// Time spent decoding notifications, when `timeDecoding` is set (diagnostics).
    public private(set) var decodeNs: UInt64 = 0
    private var decoded = 0
    /// Whether to measure `decodeNs`.
    public var timeDecoding = false
    /// Whether to decode notifications into `ReadBatch.packed` (for an `Inbox`: no Strings
    /// made for plain fields) rather than into `ReadBatch.notifications`.
    public var packsNotifications = false

    // Snapshot resume (kafka-inbox's SnapshotResume) ─────────────────────────────────────
    /// Called by `start()` with the topics found, before anything is assigned: returns the
    /// next offset per partition to start at instead of the beginning (a checked snapshot).
    public var verifyResume: ((_ topics: [TopicInfo], _ client: KafkaClient) -> [TopicPartition: Int64])?
    /// The offsets `verifyResume` returned (kept at least at each low watermark).
    private var startOffsets: [TopicPartition: Int64] = [:]
    /// Where each started partition started.
    private var startPositions: [TopicPartition: Int64] = [:]
    /// Each started partition's low watermark at its start.
    public private(set) var lowWatermarks: [TopicPartition: Int64] = [:]

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

    /// Whether every partition has been read up to its high watermark at start.
    public var caughtUp: Bool { targets.isEmpty && entryTargets == 0 }

    /// Creates the consumer (nothing is read before `start()`).
    public init(config: InboxFeedConfig) throws(InboxReaderError) {
        self.config = config
        receiptsTopic = config.receiptsTopic
        if case .time(let t) = config.start { startTimeMs = t } else { startTimeMs = nil }
        var kafka = config.kafka
        if kafka["enable.partition.eof"] == nil { kafka.set("enable.partition.eof", "true", origin: "kafka-inbox") }
        // If messages expire between the watermark query and the first fetch, start at the
        // oldest left rather than jumping to the end (which would lose receipts).
        if kafka["auto.offset.reset"] == nil { kafka.set("auto.offset.reset", "earliest", origin: "kafka-inbox") }
        if let wait = config.fetchWaitMaxMs, kafka["fetch.wait.max.ms"] == nil {
            // The embedded broker (and a broker without new data) answers a fetch only after
            // this wait, so it bounds live latency (DESIGN §8: produce-to-screen p99 < 50 ms).
            kafka.set("fetch.wait.max.ms", wait, origin: "kafka-inbox (live updates)")
        }
        do { consumer = try KafkaConsumer(config: kafka) } catch {
            throw .configuration((error as? KafkaError)?.reason ?? "\(error)")
        }
    }

    /// Finds the topics and partitions and starts reading them. Throws
    /// `InboxReaderError.unreachable` when the broker does not answer within the timeout.
    public func start() throws(InboxReaderError) {
        let all = try metadata()
        if let verifyResume { startOffsets = verifyResume(all, consumer.client) }
        do { try startPartitions(all, initial: true) } catch {
            throw (error as? InboxReaderError) ?? .request((error as? KafkaError) ?? KafkaError(reason: "\(error)"))
        }
    }

    /// Reads one batch (waiting up to `timeoutMs`). Also picks up topics created later.
    public func step(timeoutMs: Int32) -> ReadBatch {
        var batch = ReadBatch()
        consumer.consumeBatch(timeoutMs: timeoutMs) { m in handle(m, into: &batch) }
        for e in consumer.pollErrors() { batch.errors.append(describe(e)) }
        // Only a layout that can gain topics (patterns, or standard topics not created yet)
        // asks for the cluster's topic list again; never more than every 10 s.
        if needsTopicScan, ContinuousClock.now - lastTopicScan > .seconds(10) {
            lastTopicScan = .now
            if let all = try? consumer.client.topics(timeoutMs: 2000) { try? startPartitions(all, initial: false) }
        }
        return batch
    }

    /// The entry of the topic at `index`, made when a message of it is first seen.
    private func entry(_ m: MessageView) -> Int {
        let t = m.topicIndex
        if t >= 0, t < topics.count, topics[t] != nil { return t }
        guard t >= 0 else { return -1 }
        if t >= topics.count { topics.append(contentsOf: repeatElement(nil, count: t + 1 - topics.count)) }
        var e = TopicEntry(name: m.topic, kind: config.layout.kind(ofTopic: m.topic, user: config.user),
                           isReceipts: m.topic == receiptsTopic, targets: [])
        for (tp, target) in targets where tp.topic == m.topic {
            let p = Int(tp.partition)
            if p >= e.targets.count { e.targets.append(contentsOf: repeatElement(-1, count: p + 1 - e.targets.count)) }
            e.targets[p] = target
            targets.removeValue(forKey: tp)
            entryTargets += 1
        }
        topics[t] = e
        return t
    }

    private func handle(_ m: MessageView, into batch: inout ReadBatch) {
        let t = entry(m)
        guard t >= 0 else { return }
        let p = Int(m.partition)
        if m.errorCode != 0 {
            if m.isPartitionEOF {
                if p >= 0, p < topics[t]!.targets.count, topics[t]!.targets[p] >= 0 {
                    topics[t]!.targets[p] = -1
                    entryTargets -= 1
                }
            } else {
                batch.errors.append("\(m.topic)/\(m.partition): \(m.errorText ?? "error \(m.errorCode)")")
                // A partition that cannot be read (not authorised, gone) must not keep the
                // inbox "catching up" for ever; a connection problem is retried by librdkafka.
                if !KafkaError(code: m.errorCode, reason: "").isUnreachable,
                   p >= 0, p < topics[t]!.targets.count, topics[t]!.targets[p] >= 0 {
                    topics[t]!.targets[p] = -1
                    entryTargets -= 1
                }
            }
            return
        }
        let isReceipts = topics[t]!.isReceipts
        if p >= 0 {
            if p >= topics[t]!.positions.count {
                topics[t]!.positions.append(contentsOf: repeatElement(-1, count: p + 1 - topics[t]!.positions.count))
            }
            topics[t]!.positions[p] = m.offset + 1
        }
        if p >= 0, p < topics[t]!.targets.count {
            let target = topics[t]!.targets[p]
            if target >= 0 {
                catchUpRead += 1
                if m.offset + 1 >= target {
                    topics[t]!.targets[p] = -1
                    entryTargets -= 1
                }
            }
        }
        if isReceipts {
            if let r = ReceiptCodec.decode(m.value) { batch.receipts.append(r) } else { batch.badReceipts += 1 }
            return
        }
        if let startTimeMs, m.timestampMs >= 0, m.timestampMs < startTimeMs { return }
        decoded &+= 1
        let timed = timeDecoding && decoded & 7 == 0
        let t0 = timed ? DispatchTime.now().uptimeNanoseconds : 0
        let source = SourcePosition(topic: m.topic, partition: m.partition, offset: m.offset)
        if packsNotifications {
            NotificationDecoder.decode(m.value, source: source, timestampMs: m.timestampMs, topicKind: topics[t]!.kind,
                                       into: &batch.packed)
        } else {
            batch.notifications.append(NotificationDecoder.decode(m.value, source: source, timestampMs: m.timestampMs,
                                                                  topicKind: topics[t]!.kind))
        }
        // Sampled (one notification in 8), so that measuring costs next to nothing.
        if timed { decodeNs += (DispatchTime.now().uptimeNanoseconds - t0) * 8 }
    }

    private func metadata() throws(InboxReaderError) -> [TopicInfo] {
        do {
            return try consumer.client.topics(timeoutMs: config.timeoutMs)
        } catch {
            let errors = consumer.pollErrors()
            let brokers = config.kafka.brokers
            if let auth = errors.first(where: { $0.isAuthentication }) {
                throw .authentication(brokers: brokers, reason: auth.reason)
            }
            throw .unreachable(brokers: brokers, timeoutMs: config.timeoutMs, detail: errors.last?.reason,
                               code: (error as? KafkaError)?.codeName ?? "\(error)")
        }
    }

    private func wantedTopics(_ all: [TopicInfo]) -> [TopicInfo] {
        let existing = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var wanted: [String: TopicInfo] = [:]
        let layout = config.layout
        let user = config.user
        if config.includeNotifications {
            var missing: [String] = []
            for name in layout.topics(user: user, kinds: config.kinds) {
                if let t = existing[name] { wanted[name] = t } else { missing.append(name) }
            }
            missingTopics = missing
            let patterns = layout.subscriptionPatterns(user: user).compactMap { try? Regex($0) }
            for t in all where !t.name.hasPrefix("__") && t.name != receiptsTopic {
                guard patterns.contains(where: { (try? $0.firstMatch(in: t.name)) != nil }) else { continue }
                if let kinds = config.kinds, let k = layout.kind(ofTopic: t.name, user: user), !kinds.contains(k) { continue }
                wanted[t.name] = t
            }
        }
        if config.includeReceipts, let r = existing[receiptsTopic] { wanted[r.name] = r }
        return wanted.values.sorted { $0.name < $1.name }
    }

    private func startPartitions(_ all: [TopicInfo], initial: Bool) throws {
        var offsets: [TopicPartition: Int64] = [:]
        var timed: [TopicPartition] = []
        for topic in wantedTopics(all) where topic.errorCode == 0 {
            for p in topic.partitions {
                let tp = TopicPartition(topic: topic.name, partition: p)
                guard !consumer.startedPartitions.contains(tp) else { continue }
                let marks = try consumer.client.watermarks(topic: tp.topic, partition: p, timeoutMs: config.timeoutMs)
                let isReceipts = topic.name == receiptsTopic
                let position = (isReceipts || !initial) ? StartPosition.beginning : config.start
                var start: Int64
                switch position {
                case .beginning: start = max(marks.low, startOffsets[tp] ?? marks.low)
                case .end: start = marks.high
                case .offset(let n): start = min(max(n, marks.low), marks.high)
                case .time: start = marks.low; timed.append(tp)
                }
                offsets[tp] = start
                startPositions[tp] = start
                lowWatermarks[tp] = marks.low
                if initial && marks.high > start {
                    targets[tp] = marks.high
                    catchUpTotal += marks.high - start
                }
            }
        }
        if case .time(let t) = config.start, !timed.isEmpty {
            let found = try consumer.client.offsets(forTimestamp: t, partitions: timed, timeoutMs: config.timeoutMs)
            for tp in timed {
                // No message at or after the time: start at the end.
                guard let found = found[tp] else { continue }
                // -1: no message at or after the time, or a broker that cannot look times up
                // (the embedded one). Read from the start then; `handle` skips older messages.
                let o = found >= 0 ? found : (offsets[tp] ?? 0)
                if let target = targets[tp] {
                    catchUpTotal -= (o - (offsets[tp] ?? 0))
                    if o >= target { targets.removeValue(forKey: tp) }
                }
                offsets[tp] = o
            }
        }
        if !offsets.isEmpty { try consumer.assign(offsets) }
    }

    private func describe(_ e: KafkaError) -> String {
        let brokers = config.kafka.brokers
        if e.isAuthentication { return "authentication failed at \(brokers): \(e.reason)" }
        if e.isUnreachable { return "broker unreachable: \(brokers) (\(e.reason))" }
        return e.reason
    }
}
