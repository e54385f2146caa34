import Testing
@testable import KafkaKit

/// The fetch wake-up for librdkafka < 2.2 (see `FetchWaker`): when it fires, and that a
/// consumer whose queue keeps filling up still reads every message exactly once.
@Suite(.serialized) struct FetchWakerTests {
    @Test func wakesOnceAfterAFullQueueIsDrainedToAQuarter() {
        var w = FetchWaker(maxMessages: 1000, maxKilobytes: 1_000_000)
        // Queue lengths after successive batches: never near the limit (500, 0), then near
        // it (900: fetching has stopped) and drained step by step, then empty again.
        let fired = [500, 0, 900, 600, 300, 200, 0].map { w.afterBatch(count: 100, bytes: 10_000, queueLength: $0) }
        #expect(fired == [false, false, false, false, false, true, false])
    }

    @Test func theByteLimitCountsToo() {
        // 10 KB limit, 1,000-byte messages: 9 queued are near it, 2 are a quarter.
        var w = FetchWaker(maxMessages: 100_000, maxKilobytes: 10)
        let fired = [9, 5, 2].map { w.afterBatch(count: 4, bytes: 4000, queueLength: $0) }
        #expect(fired == [false, false, true])
    }

    @Test func aConsumerWithATinyQueueReadsEverythingOnce() throws {
        let cluster = try MockCluster()
        try cluster.createTopic("notify.alice.owner", partitions: 4)
        var pc = KafkaConfig()
        pc.set("bootstrap.servers", cluster.bootstrapServers)
        pc.set("log_level", "3")
        pc.set("linger.ms", "50")
        let producer = try KafkaProducer(config: pc)
        var reports: [DeliveryReport] = []
        let total = 6000
        for i in 0..<total {
            try producer.produce(topic: "notify.alice.owner", key: Array("k\(i)".utf8), value: Array("v\(i)".utf8),
                                 token: UInt(i + 1), reports: &reports)
        }
        reports += producer.flush(timeoutMs: 30_000)
        #expect(reports.filter(\.delivered).count == total)

        var cc = pc
        // The queue fills at 100 messages, so fetching stops and restarts many times.
        cc.set("queued.min.messages", "100")
        cc.set("enable.partition.eof", "true")
        let consumer = try KafkaConsumer(config: cc, batchSize: 16)
        var start: [TopicPartition: Int64] = [:]
        for p in Int32(0)..<4 { start[TopicPartition(topic: "notify.alice.owner", partition: p)] = KafkaOffset.beginning }
        try consumer.assign(start)
        var values: [String: Int] = [:]
        var eof = Set<Int32>()
        for _ in 0..<5000 where eof.count < 4 || values.count < total {
            consumer.consumeBatch(timeoutMs: 100) { m in
                if m.isPartitionEOF { eof.insert(m.partition); return }
                guard m.errorCode == 0 else { return }
                values[String(decoding: m.value, as: UTF8.self), default: 0] += 1
            }
        }
        #expect(values.count == total)
        #expect(values.values.allSatisfy { $0 == 1 })
    }
}
