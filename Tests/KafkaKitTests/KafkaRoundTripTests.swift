import Testing
import KafkaKit

/// Kafka over TCP against librdkafka's embedded broker: no mocks of Kafka itself.
@Suite(.serialized) struct KafkaRoundTripTests {
    func produceAll(_ producer: KafkaProducer, _ items: [(String, String)]) throws -> [DeliveryReport] {
        var reports: [DeliveryReport] = []
        for (i, item) in items.enumerated() {
            try producer.produce(topic: item.0, key: Array("k\(i)".utf8), value: Array(item.1.utf8),
                                 token: UInt(i + 1), reports: &reports)
        }
        reports += producer.flush(timeoutMs: 10_000)
        return reports
    }

    @Test func oneConsumerReadsThreeTopics() throws {
        let cluster = try MockCluster()
        let topics = ["notify.alice.group", "notify.alice.owner", "notify.alice.watching"]
        for t in topics { try cluster.createTopic(t, partitions: 2) }
        let producer = try KafkaProducer(config: testConfig(cluster))
        let items = topics.flatMap { t in (0..<5).map { (t, "{\"title\":\"\(t) #\($0)\"}") } }
        let reports = try produceAll(producer, items)
        #expect(reports.count == 15)
        #expect(reports.allSatisfy { $0.delivered })

        let consumer = try KafkaConsumer(config: testConfig(cluster))
        var start: [TopicPartition: Int64] = [:]
        for t in topics { for p in Int32(0)..<2 { start[TopicPartition(topic: t, partition: p)] = KafkaOffset.beginning } }
        try consumer.assign(start)
        var seen: [String: Int] = [:]
        var values = Set<String>()
        for _ in 0..<100 where values.count < 15 {
            consumer.consumeBatch(timeoutMs: 100) { m in
                guard m.errorCode == 0 else { return }
                seen[m.topic, default: 0] += 1
                values.insert(String(decoding: m.value, as: UTF8.self))
            }
        }
        #expect(values == Set(items.map(\.1)))
        #expect(seen == Dictionary(uniqueKeysWithValues: topics.map { ($0, 5) }))
    }

    @Test func injectedProduceErrorIsReported() throws {
        let cluster = try MockCluster()
        try cluster.createTopic("notify.bob.receipts", partitions: 1)
        var cfg = testConfig(cluster)
        cfg.set("message.timeout.ms", "3000")
        let producer = try KafkaProducer(config: cfg)
        // Warm up so the producer has its id and the partition leader.
        let first = try produceAll(producer, [("notify.bob.receipts", "warm")])
        #expect(first.allSatisfy { $0.delivered })
        // A non-retriable error for every attempt of the next produce request.
        cluster.pushRequestErrors(apiKey: KafkaAPIKey.produce,
                                  errors: Array(repeating: KafkaErrorCode.topicAuthorizationFailed, count: 5))
        let reports = try produceAll(producer, [("notify.bob.receipts", "lost?")])
        #expect(reports.count == 1)
        #expect(reports.first?.delivered == false)
        #expect(reports.first?.errorText != nil)
    }

    @Test func watermarksAndMetadataSeeTheBroker() throws {
        let cluster = try MockCluster()
        try cluster.createTopic("t1", partitions: 3)
        let producer = try KafkaProducer(config: testConfig(cluster))
        _ = try produceAll(producer, [("t1", "a"), ("t1", "b"), ("t1", "c"), ("t1", "d")])
        let topics = try producer.client.topics(timeoutMs: 5000)
        let t1 = try #require(topics.first { $0.name == "t1" })
        #expect(t1.partitions == [0, 1, 2])
        var total: Int64 = 0
        for p in t1.partitions { total += try producer.client.watermarks(topic: "t1", partition: p, timeoutMs: 5000).high }
        #expect(total == 4)
    }

    @Test func unreachableBrokerIsAnErrorWithinTheTimeout() throws {
        var cfg = KafkaConfig()
        cfg.set("bootstrap.servers", "127.0.0.1:1")
        cfg.set("log_level", "0")
        let producer = try KafkaProducer(config: cfg)
        let clock = ContinuousClock()
        let started = clock.now
        #expect(throws: KafkaError.self) { try producer.client.topics(timeoutMs: 1500) }
        #expect(started.duration(to: clock.now) < .seconds(10))
    }

    @Test func invalidPropertyNamesItsOrigin() throws {
        var cfg = KafkaConfig()
        cfg.set("no.such.property", "1", origin: "-X flag")
        let error = try #require(throws: KafkaError.self) { try cfg.validate() }
        #expect(error.reason.contains("no.such.property"))
        #expect(error.reason.contains("-X flag"))
    }
}
