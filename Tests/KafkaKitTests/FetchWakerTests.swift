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

    @Test func aFullQueueTakenInOneBatchCountsToo() {
        var w = FetchWaker(maxMessages: 100, maxKilobytes: 1_000_000)
        // (queue length before the batch, batch taken, queue length after). 400 queued
        // (fetching stopped), all taken at once: wake. Then 50: with the 400 just taken the
        // queue may have reached the limit when those 50 came (librdkafka decided before the
        // batch took them), so wake again (a spare wake-up costs one small request). 20 + 50
        // is below it: nothing. 60 + 60 is near it again: wake once it has drained.
        let steps = [(400, 400, 0), (50, 50, 0), (20, 20, 0), (60, 60, 30), (60, 60, 0)]
        let fired = steps.map { before, taken, after in
            w.beforeBatch(queueLength: before)
            return w.afterBatch(count: taken, bytes: taken * 10, queueLength: after)
        }
        #expect(fired == [true, true, false, false, true])
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
        var pc = testConfig(cluster)
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

    /// After a backlog larger than `queued.min.messages` has been read, librdkafka 2.0.2
    /// fetches nothing until its broker thread next wakes (up to 1 s later); the consumer
    /// wakes it. Each backlog here stops fetching once, so each needs a wake-up (on a later
    /// librdkafka, `fetch.queue.backoff.ms` does the job and none is sent). How long the
    /// message after each backlog took is printed, not asserted (shared machines): about
    /// 800 ms without the wake-up, about 1 ms with it.
    @Test func theConsumerWakesTheFetcherAfterEachBacklogAndReadsEverythingOnce() throws {
        let cluster = try MockCluster()
        try cluster.createTopic("backlog", partitions: 2)
        var pc = testConfig(cluster)
        pc.set("linger.ms", "50")
        let producer = try KafkaProducer(config: pc)
        var reports: [DeliveryReport] = []
        var token: UInt = 0
        func produce(_ count: Int) throws {
            for _ in 0..<count {
                token += 1
                try producer.produce(topic: "backlog", key: Array("a".utf8), value: Array("m\(token)".utf8),
                                     token: token, reports: &reports)
            }
            reports += producer.flush(timeoutMs: 10_000)
        }
        try produce(1)
        var cc = pc
        cc.set("queued.min.messages", "100")
        cc.set("fetch.wait.max.ms", "10")
        let consumer = try KafkaConsumer(config: cc)
        try consumer.assign([TopicPartition(topic: "backlog", partition: 0): KafkaOffset.beginning,
                             TopicPartition(topic: "backlog", partition: 1): KafkaOffset.beginning])
        var values = Set<String>()
        var duplicates = 0
        func read(until count: Int) {
            for _ in 0..<1000 where values.count < count {
                consumer.consumeBatch(timeoutMs: 20) { m in
                    guard m.errorCode == 0 else { return }
                    if !values.insert(String(decoding: m.value, as: UTF8.self)).inserted { duplicates += 1 }
                }
            }
        }
        read(until: 1)
        var waited: [Int] = []
        for _ in 0..<4 {
            try produce(400)
            read(until: Int(token))
            try produce(1)
            let sent = ContinuousClock.now
            read(until: Int(token))
            waited.append(Int((ContinuousClock.now - sent) / .milliseconds(1)))
        }
        print("the message after each backlog arrived after (ms):", waited)
        #expect(reports.count == Int(token) && reports.allSatisfy(\.delivered))
        #expect(values.count == Int(token))
        #expect(duplicates == 0)
        if consumer.wakesFetcher { #expect(consumer.fetcherWakeUps >= 4) }
    }
}

/// `KafkaConfig.supports`: a property's name is known or not, whatever its value's type.
@Suite struct ConfigSupportTests {
    @Test func knownNamesOfEveryKindAreKnownAndOthersAreNot() {
        #expect(KafkaConfig.supports("group.id", sample: "g"))
        #expect(KafkaConfig.supports("queued.min.messages", sample: "10"))
        #expect(KafkaConfig.supports("auto.offset.reset", sample: "earliest"))
        #expect(KafkaConfig.supports("queued.min.messages", sample: "not a number"))
        #expect(!KafkaConfig.supports("no.such.property", sample: "1"))
    }
}
