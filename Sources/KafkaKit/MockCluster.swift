import CRdKafka

/// librdkafka's embedded Kafka-protocol broker (`rdkafka_mock.h`), listening on real
/// loopback TCP ports, with its fault injection. Data lives in memory only.
public final class MockCluster: @unchecked Sendable {
    private let owner: KafkaClient
    private let cluster: OpaquePointer
    /// How many brokers the cluster has (ids 1…n).
    public let brokerCount: Int32

    /// Starts a cluster of `brokers` brokers on 127.0.0.1 (random ports).
    public init(brokers: Int32 = 1) throws {
        var conf = KafkaConfig()
        conf.set("log_level", "3")
        owner = try KafkaClient(consumer: false, config: conf)
        guard let mc = rd_kafka_mock_cluster_new(owner.handle, brokers) else {
            throw KafkaError(reason: "cannot start the embedded broker")
        }
        cluster = mc
        brokerCount = brokers
    }

    deinit { rd_kafka_mock_cluster_destroy(cluster) }

    /// The bootstrap address list, e.g. `127.0.0.1:39123`.
    public var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster)) }

    /// Creates a topic with `partitions` partitions, each with `replicas` replicas (at most
    /// the broker count; default: up to 3). The embedded broker spreads the leaders over
    /// the brokers.
    public func createTopic(_ name: String, partitions: Int32, replicas: Int32? = nil) throws {
        let factor = max(1, min(replicas ?? 3, brokerCount))
        try KafkaError.check(rd_kafka_mock_topic_create(cluster, name, partitions, factor), "create topic \(name)")
    }

    /// Makes broker `id` the leader of `topic`'s `partition`; clients learn it from their next
    /// request (NOT_LEADER, then a metadata refresh), as after a real leader election.
    public func setLeader(topic: String, partition: Int32, broker id: Int32) throws {
        try KafkaError.check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, id),
                             "move the leader of \(topic) [\(partition)] to broker \(id)")
    }

    /// Makes broker `id` the group coordinator for consumer group `group`.
    public func setGroupCoordinator(_ group: String, broker id: Int32) throws {
        try KafkaError.check(rd_kafka_mock_coordinator_set(cluster, "group", group, id),
                             "move the coordinator of group \(group) to broker \(id)")
    }

    /// Takes broker `id` down (connections closed, new ones refused) or brings it back.
    public func setBroker(_ id: Int32, up: Bool) throws {
        let err = up ? rd_kafka_mock_broker_set_up(cluster, id) : rd_kafka_mock_broker_set_down(cluster, id)
        try KafkaError.check(err, "set broker \(id) \(up ? "up" : "down")")
    }

    /// Delays every response of broker `id` by `ms` milliseconds.
    public func setRoundTripTime(_ ms: Int32, broker id: Int32) throws {
        try KafkaError.check(rd_kafka_mock_broker_set_rtt(cluster, id, ms), "set rtt")
    }

    /// Makes the next requests of API `apiKey` (Produce = 0, Fetch = 1, …) fail with the
    /// given librdkafka error codes, one per request, in order.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeMutableBufferPointer { buf in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buf.count, buf.baseAddress)
        }
    }

    /// Removes errors still queued for API `apiKey`.
    public func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }
}

/// Kafka API keys used with `MockCluster.pushRequestErrors`.
public enum KafkaAPIKey {
    public static let produce: Int16 = 0
    public static let fetch: Int16 = 1
    public static let metadata: Int16 = 3
}

/// Named librdkafka error codes for fault injection, read from librdkafka's own enum.
public enum KafkaErrorCode {
    public static var notLeaderForPartition: Int32 { RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION.rawValue }
    public static var requestTimedOut: Int32 { RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue }
    public static var topicAuthorizationFailed: Int32 { RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED.rawValue }
    public static var messageTooLarge: Int32 { RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue }
    public static var invalidRecord: Int32 { RD_KAFKA_RESP_ERR_INVALID_RECORD.rawValue }
}
