import CRdKafka

/// Metadata of one topic.
public struct TopicInfo: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// Partition ids.
    public var partitions: [Int32]
    /// librdkafka's error code for the topic (0 = fine).
    public var errorCode: Int32
}

/// Owns one librdkafka client handle (`rd_kafka_t`) and frees it in `deinit`.
/// Consumer, producer, admin and the embedded broker are built on it.
public final class KafkaClient: @unchecked Sendable {
    /// The raw handle; only KafkaKit types touch it.
    let handle: OpaquePointer
    /// The configuration the client was made with.
    public let config: KafkaConfig

    /// Creates a producer (`consumer == false`) or consumer handle.
    /// - Parameter events: librdkafka event types to route to the main queue (`RD_KAFKA_EVENT_*`).
    init(consumer: Bool, config: KafkaConfig, events: Int32 = 0) throws {
        let conf = try config.makeNative()
        KafkaLog.install(on: conf)
        if config["debug"] != nil { KafkaLog.showDebug() }
        if events != 0 { rd_kafka_conf_set_events(conf, events) }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(reason: "cannot create Kafka client: \(String(errorBuffer: errstr))")
        }
        self.handle = rk
        self.config = config
    }

    deinit { rd_kafka_destroy(handle) }

    /// Metadata of every topic in the cluster (or of `topic` only). Throws a
    /// `KafkaError` naming the brokers when the cluster does not answer within `timeoutMs`.
    public func topics(only topic: String? = nil, timeoutMs: Int32) throws -> [TopicInfo] {
        var md: UnsafePointer<rd_kafka_metadata>?
        var rkt: OpaquePointer?
        if let topic { rkt = rd_kafka_topic_new(handle, topic, nil) }
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
        let err = rd_kafka_metadata(handle, topic == nil ? 1 : 0, rkt, &md, timeoutMs)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(rdkafka: err, context: "no answer from Kafka at \(config.brokers) within \(timeoutMs) ms")
        }
        guard let md else { return [] }
        defer { rd_kafka_metadata_destroy(md) }
        var result: [TopicInfo] = []
        for i in 0..<Int(md.pointee.topic_cnt) {
            let t = md.pointee.topics[i]
            let parts = (0..<Int(t.partition_cnt)).map { t.partitions[$0].id }
            result.append(TopicInfo(name: String(cString: t.topic), partitions: parts.sorted(), errorCode: t.err.rawValue))
        }
        return result
    }

    /// Low and high watermark offsets of a partition, asked of the broker.
    public func watermarks(topic: String, partition: Int32, timeoutMs: Int32) throws -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        try KafkaError.check(rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeoutMs),
                             "watermarks of \(topic)/\(partition)")
        return (low, high)
    }

    /// The cluster id the brokers report (nil when they report none within `timeoutMs`).
    /// A new id behind the same address means another cluster (or a restarted embedded broker).
    public func clusterID(timeoutMs: Int32) -> String? {
        guard let p = rd_kafka_clusterid(handle, timeoutMs) else { return nil }
        defer { rd_kafka_mem_free(handle, p) }
        return String(cString: p)
    }

    /// The first offset of each partition whose timestamp is at or after `timestampMs`
    /// (the high watermark where none is).
    public func offsets(forTimestamp timestampMs: Int64, partitions: [TopicPartition], timeoutMs: Int32) throws -> [TopicPartition: Int64] {
        let list = TopicPartitionList(partitions.map { ($0, timestampMs) })
        try KafkaError.check(rd_kafka_offsets_for_times(handle, list.pointer, timeoutMs), "offsets for time")
        var result: [TopicPartition: Int64] = [:]
        for (tp, offset) in list.entries() { result[tp] = offset }
        return result
    }

    /// The fatal error of an idempotent producer, if one was raised.
    /// The librdkafka version this process runs with (`2.0.2`).
    public static var libraryVersion: String { String(cString: rd_kafka_version_str()) }

    /// librdkafka's built-in features (`gzip,snappy,ssl,sasl,…`).
    public static var libraryFeatures: String {
        guard let conf = rd_kafka_conf_new() else { return "" }
        defer { rd_kafka_conf_destroy(conf) }
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard rd_kafka_conf_get(conf, "builtin.features", &buffer, &size) == RD_KAFKA_CONF_OK else { return "" }
        return String(errorBuffer: buffer)
    }

    public func fatalError() -> KafkaError? {
        var errstr = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle, &errstr, errstr.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: err.rawValue, reason: "fatal: \(String(errorBuffer: errstr))")
    }
}
