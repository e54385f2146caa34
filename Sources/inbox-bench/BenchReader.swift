import Foundation
import InboxCore
import KafkaKit

/// The inbox's catch-up reader, as `Sources/kafka-inbox/InboxReader.swift` does it
/// (an executable target cannot be imported): ONE consumer, every partition of the
/// notification topics and the receipts topic assigned from the low watermark, the high
/// watermarks at start as the catch-up target, `consumeBatch` + `NotificationDecoder` /
/// `ReceiptCodec` per message. Keep the per-message work in step with InboxReader.
final class BenchReader: @unchecked Sendable {
    struct Batch {
        var notifications: [InboxCore.Notification] = []
        var receipts: [Receipt] = []
        var badReceipts = 0
    }

    let consumer: KafkaConsumer
    private var kindByTopic: [String: Kind?] = [:]
    private var targets: [TopicPartition: Int64] = [:]
    private(set) var catchUpTotal: Int64 = 0
    private(set) var catchUpRead: Int64 = 0
    /// Time spent decoding notifications (diagnostics).
    private(set) var decodeNs: UInt64 = 0
    var caughtUp: Bool { targets.isEmpty }

    init(brokers: String) throws {
        var config = KafkaConfig()
        config.set("bootstrap.servers", brokers)
        config.set("enable.partition.eof", "true")
        config.set("fetch.wait.max.ms", ProcessInfo.processInfo.environment["INBOX_BENCH_FETCH_WAIT"] ?? InboxReaderTuning.fetchWaitMaxMs)
        config.set("log_level", "3")
        for (k, v) in InboxReaderTuning.consumerProperties { config.set(k, v) }
        // Experiments: INBOX_BENCH_PROPS="key=value,key=value" (not used for reported figures).
        for kv in (ProcessInfo.processInfo.environment["INBOX_BENCH_PROPS"] ?? "").split(separator: ",") {
            let parts = kv.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { config.set(parts[0], parts[1]) }
        }
        consumer = try KafkaConsumer(config: config)
    }

    func start() throws {
        let all = try consumer.client.topics(timeoutMs: 10_000)
        var offsets: [TopicPartition: Int64] = [:]
        let wanted = Set(BenchData.notificationTopics + [BenchData.receiptsTopic])
        for topic in all where wanted.contains(topic.name) && topic.errorCode == 0 {
            kindByTopic[topic.name] = topic.name == BenchData.receiptsTopic ? nil
                : BenchData.kinds.first { BenchData.topic($0) == topic.name }
            for p in topic.partitions {
                let tp = TopicPartition(topic: topic.name, partition: p)
                let marks = try consumer.client.watermarks(topic: tp.topic, partition: p, timeoutMs: 10_000)
                offsets[tp] = marks.low
                if marks.high > marks.low {
                    targets[tp] = marks.high
                    catchUpTotal += marks.high - marks.low
                }
            }
        }
        try consumer.assign(offsets)
    }

    func step(timeoutMs: Int32) -> Batch {
        var batch = Batch()
        consumer.consumeBatch(timeoutMs: timeoutMs) { m in handle(m, into: &batch) }
        _ = consumer.pollErrors()
        return batch
    }

    private func handle(_ m: MessageView, into batch: inout Batch) {
        let tp = TopicPartition(topic: m.topic, partition: m.partition)
        if m.errorCode != 0 {
            if m.isPartitionEOF { targets.removeValue(forKey: tp) }
            return
        }
        if let target = targets[tp] {
            catchUpRead += 1
            if m.offset + 1 >= target { targets.removeValue(forKey: tp) }
        }
        if m.topic == BenchData.receiptsTopic {
            if let r = ReceiptCodec.decode(m.value) { batch.receipts.append(r) } else { batch.badReceipts += 1 }
            return
        }
        let t = monoNs()
        let kind = kindByTopic[m.topic] ?? nil
        let source = SourcePosition(topic: m.topic, partition: m.partition, offset: m.offset)
        batch.notifications.append(NotificationDecoder.decode(m.value, source: source, timestampMs: m.timestampMs, topicKind: kind))
        decodeNs += monoNs() - t
    }
}

/// Consumer settings of InboxReader (kept identical by hand: Sources/kafka-inbox/InboxReader.swift).
enum InboxReaderTuning {
    static let fetchWaitMaxMs = "20"
    static let consumerProperties: [(String, String)] = []
}
