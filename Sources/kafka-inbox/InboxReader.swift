import Foundation
import InboxCore
import KafkaKit

/// What one step of reading produced.
struct ReadBatch {
    var notifications: [Notification] = []
    var receipts: [Receipt] = []
    /// Malformed receipts (skipped, but counted and shown).
    var badReceipts = 0
    /// Client errors in words (broker down, authentication…).
    var errors: [String] = []
}

/// Reads a user's notification topics and receipts topic with ONE consumer, assigning every
/// partition itself (no consumer group: every terminal sees everything, DESIGN §3).
/// Knows the high watermarks at start, so it can say when it has caught up.
final class InboxReader {
    let settings: Settings
    let consumer: KafkaConsumer
    private let kinds: [Kind]?
    private let includeNotifications: Bool
    private let includeReceipts: Bool
    private let from: StartPosition
    private var kindByTopic: [String: Kind?] = [:]
    /// Partitions still to reach their start-time high watermark.
    private var targets: [TopicPartition: Int64] = [:]
    /// Total messages to read to catch up, and read so far.
    private(set) var catchUpTotal: Int64 = 0
    private(set) var catchUpRead: Int64 = 0
    /// Standard topics that do not exist (yet).
    private(set) var missingTopics: [String] = []
    private var lastTopicScan = ContinuousClock.now
    // snapshot resume (SnapshotResume.swift) ─────────────────────────────────────────
    /// Called by `start()` with the topics found, before anything is assigned: returns the
    /// next offset per partition to start at instead of the beginning (a checked snapshot).
    var verifyResume: ((_ topics: [TopicInfo], _ client: KafkaClient) -> [TopicPartition: Int64])?
    /// The offsets `verifyResume` returned (kept at least at each low watermark).
    private var startOffsets: [TopicPartition: Int64] = [:]
    /// Next offset per started partition: after the last message handled, else the start.
    private(set) var positions: [TopicPartition: Int64] = [:]
    /// Each started partition's low watermark at its start.
    private(set) var lowWatermarks: [TopicPartition: Int64] = [:]
    // ──────────────────────────────────────────────────────────────────────────────────

    /// Whether every partition has been read up to its high watermark at start.
    var caughtUp: Bool { targets.isEmpty }

    init(settings: Settings, kinds: [Kind]?, from: StartPosition = .beginning,
         notifications: Bool = true, receipts: Bool = true) throws {
        self.settings = settings
        self.kinds = kinds
        self.from = from
        self.includeNotifications = notifications
        self.includeReceipts = receipts
        var config = settings.kafkaConfig(["enable.partition.eof": "true"])
        // The embedded broker (and a broker without new data) answers a fetch only after
        // this wait, so it bounds live latency (DESIGN §8: produce-to-screen p99 < 50 ms).
        config.set("fetch.wait.max.ms", InboxReaderTuning.fetchWaitMaxMs, origin: "kafka-inbox (live updates)")
        do { consumer = try KafkaConsumer(config: config) } catch let e as KafkaError {
            throw Settings.configError(e.reason)
        }
    }

    /// Finds the topics and partitions and starts reading them. Throws a `CommandFailure`
    /// with `ExitStatus.unavailable` when the broker does not answer within the timeout.
    func start() throws {
        let all = try metadata()
        if let verifyResume { startOffsets = verifyResume(all, consumer.client) }  // snapshot resume
        try startPartitions(all, initial: true)
    }

    /// Reads one batch (waiting up to `timeoutMs`). Also picks up topics created later.
    func step(timeoutMs: Int32) -> ReadBatch {
        var batch = ReadBatch()
        consumer.consumeBatch(timeoutMs: timeoutMs) { m in handle(m, into: &batch) }
        for e in consumer.pollErrors() { batch.errors.append(describe(e)) }
        if ContinuousClock.now - lastTopicScan > .seconds(10) {
            lastTopicScan = .now
            if let all = try? consumer.client.topics(timeoutMs: 2000) { try? startPartitions(all, initial: false) }
        }
        return batch
    }

    private func handle(_ m: MessageView, into batch: inout ReadBatch) {
        let tp = TopicPartition(topic: m.topic, partition: m.partition)
        if m.errorCode != 0 {
            if m.isPartitionEOF {
                targets.removeValue(forKey: tp)
            } else {
                batch.errors.append("\(tp): \(m.errorText ?? "error \(m.errorCode)")")
            }
            return
        }
        positions[tp] = m.offset + 1  // snapshot resume
        if let target = targets[tp] {
            catchUpRead += 1
            if m.offset + 1 >= target { targets.removeValue(forKey: tp) }
        }
        if case .time(let t) = from, m.timestampMs >= 0, m.timestampMs < t, m.topic != settings.receiptsTopic { return }
        if m.topic == settings.receiptsTopic {
            if let r = ReceiptCodec.decode(m.value) { batch.receipts.append(r) } else { batch.badReceipts += 1 }
            return
        }
        let kind = kindByTopic[m.topic] ?? settings.layout.kind(ofTopic: m.topic, user: settings.user)
        let source = SourcePosition(topic: m.topic, partition: m.partition, offset: m.offset)
        batch.notifications.append(NotificationDecoder.decode(m.value, source: source, timestampMs: m.timestampMs, topicKind: kind))
    }

    private func metadata() throws -> [TopicInfo] {
        do {
            return try consumer.client.topics(timeoutMs: settings.timeoutMs)
        } catch let e as KafkaError {
            let errors = consumer.pollErrors()
            if let auth = errors.first(where: { $0.isAuthentication }) {
                throw CommandFailure(message: "authentication failed at \(settings.kafka.brokers): \(auth.reason)", exit: ExitStatus.noPermission)
            }
            let detail = errors.last.map { " (\($0.reason))" } ?? ""
            throw CommandFailure(message: "cannot reach Kafka at \(settings.kafka.brokers) within \(settings.timeoutMs / 1000) s\(detail): "
                + "is the broker running? Set it with --brokers, KAFKA_INBOX_BROKERS or the config file. [\(e.codeName)]",
                exit: ExitStatus.unavailable)
        }
    }

    private func wantedTopics(_ all: [TopicInfo]) -> [TopicInfo] {
        let existing = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var wanted: [String: TopicInfo] = [:]
        if includeNotifications {
            var missing: [String] = []
            for name in settings.notificationTopics(kinds: kinds) {
                if let t = existing[name] { wanted[name] = t } else { missing.append(name) }
            }
            missingTopics = missing
            let patterns = settings.layout.subscriptionPatterns(user: settings.user).compactMap { try? Regex($0) }
            for t in all where !t.name.hasPrefix("__") && t.name != settings.receiptsTopic {
                guard patterns.contains(where: { (try? $0.firstMatch(in: t.name)) != nil }) else { continue }
                if let kinds, let k = settings.layout.kind(ofTopic: t.name, user: settings.user), !kinds.contains(k) { continue }
                wanted[t.name] = t
            }
        }
        if includeReceipts, let r = existing[settings.receiptsTopic] { wanted[r.name] = r }
        return wanted.values.sorted { $0.name < $1.name }
    }

    private func startPartitions(_ all: [TopicInfo], initial: Bool) throws {
        var offsets: [TopicPartition: Int64] = [:]
        var timed: [TopicPartition] = []
        for topic in wantedTopics(all) where topic.errorCode == 0 {
            kindByTopic[topic.name] = settings.layout.kind(ofTopic: topic.name, user: settings.user)
            for p in topic.partitions {
                let tp = TopicPartition(topic: topic.name, partition: p)
                guard !consumer.startedPartitions.contains(tp) else { continue }
                let marks = try consumer.client.watermarks(topic: tp.topic, partition: p, timeoutMs: settings.timeoutMs)
                let isReceipts = topic.name == settings.receiptsTopic
                let position = (isReceipts || !initial) ? StartPosition.beginning : from
                var start: Int64
                switch position {
                case .beginning: start = max(marks.low, startOffsets[tp] ?? marks.low)  // snapshot resume
                case .end: start = marks.high
                case .offset(let n): start = min(max(n, marks.low), marks.high)
                case .time: start = marks.low; timed.append(tp)
                }
                offsets[tp] = start
                (positions[tp], lowWatermarks[tp]) = (start, marks.low)  // snapshot resume
                if initial && marks.high > start {
                    targets[tp] = marks.high
                    catchUpTotal += marks.high - start
                }
            }
        }
        if case .time(let t) = from, !timed.isEmpty {
            let found = try consumer.client.offsets(forTimestamp: t, partitions: timed, timeoutMs: settings.timeoutMs)
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
        if e.isAuthentication { return "authentication failed at \(settings.kafka.brokers): \(e.reason)" }
        if e.isUnreachable { return "broker unreachable: \(settings.kafka.brokers) (\(e.reason))" }
        return e.reason
    }
}

/// Consumer settings of the reader that the benchmark (`inbox-bench`) mirrors.
enum InboxReaderTuning {
    static let fetchWaitMaxMs = "20"
}
