import CRdKafka

/// Topic administration through the Kafka Admin API (works on any broker that allows it).
public final class KafkaAdmin: @unchecked Sendable {
    private let client: KafkaClient

    /// Creates an admin client (a producer handle used only for admin requests).
    public init(config: KafkaConfig) throws {
        client = try KafkaClient(consumer: false, config: config)
    }

    /// The cluster's topics (metadata, within `timeoutMs`).
    public func topics(timeoutMs: Int32) throws -> [TopicInfo] { try client.topics(timeoutMs: timeoutMs) }

    /// A topic's configuration as the broker describes it (`cleanup.policy`, …). Throws when
    /// the broker does not answer DescribeConfigs (librdkafka's embedded broker never does).
    public func topicConfig(_ topic: String, timeoutMs: Int32) throws -> [String: String] {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic) else {
            throw KafkaError(reason: "cannot describe topic \(topic)")
        }
        var resources: [OpaquePointer?] = [resource]
        defer { rd_kafka_ConfigResource_destroy(resource) }
        guard let queue = rd_kafka_queue_new(client.handle) else { throw KafkaError(reason: "admin queue unavailable") }
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errstr, errstr.count)
        resources.withUnsafeMutableBufferPointer { buf in
            rd_kafka_DescribeConfigs(client.handle, buf.baseAddress, buf.count, options, queue)
        }
        guard let ev = rd_kafka_queue_poll(queue, timeoutMs + 1000) else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, reason: "no answer to DescribeConfigs within \(timeoutMs) ms")
        }
        defer { rd_kafka_event_destroy(ev) }
        let evErr = rd_kafka_event_error(ev)
        if evErr != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: evErr.rawValue, reason: "DescribeConfigs: \(String(cString: rd_kafka_event_error_string(ev)))")
        }
        guard let result = rd_kafka_event_DescribeConfigs_result(ev) else { throw KafkaError(reason: "DescribeConfigs: no result") }
        var count = 0
        guard let described = rd_kafka_DescribeConfigs_result_resources(result, &count), count > 0 else { return [:] }
        let r = described[0]
        let err = rd_kafka_ConfigResource_error(r)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: err.rawValue, reason: rd_kafka_ConfigResource_error_string(r).map { String(cString: $0) } ?? "error")
        }
        var entries = 0
        var config: [String: String] = [:]
        if let list = rd_kafka_ConfigResource_configs(r, &entries) {
            for i in 0..<entries {
                guard let name = rd_kafka_ConfigEntry_name(list[i]) else { continue }
                config[String(cString: name)] = rd_kafka_ConfigEntry_value(list[i]).map { String(cString: $0) } ?? ""
            }
        }
        return config
    }

    /// Creates topics; a topic that already exists is not an error. Throws the first
    /// other per-topic error, naming the topic.
    public func createTopics(_ names: [String], partitions: Int32, replicationFactor: Int32 = -1,
                             config: [String: String] = [:], timeoutMs: Int32) throws {
        guard !names.isEmpty else { return }
        var errstr = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
        for name in names {
            guard let nt = rd_kafka_NewTopic_new(name, partitions, replicationFactor, &errstr, errstr.count) else {
                throw KafkaError(reason: "topic \(name): \(String(errorBuffer: errstr))")
            }
            for (k, v) in config { _ = rd_kafka_NewTopic_set_config(nt, k, v) }
            newTopics.append(nt)
        }
        guard let queue = rd_kafka_queue_new(client.handle) else { throw KafkaError(reason: "admin queue unavailable") }
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errstr, errstr.count)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errstr, errstr.count)
        newTopics.withUnsafeMutableBufferPointer { buf in
            rd_kafka_CreateTopics(client.handle, buf.baseAddress, buf.count, options, queue)
        }
        guard let ev = rd_kafka_queue_poll(queue, timeoutMs + 1000) else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
                             reason: "no answer from Kafka at \(client.config.brokers) to CreateTopics within \(timeoutMs) ms")
        }
        defer { rd_kafka_event_destroy(ev) }
        let evErr = rd_kafka_event_error(ev)
        if evErr != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: evErr.rawValue, reason: "CreateTopics: \(String(cString: rd_kafka_event_error_string(ev)))")
        }
        guard let result = rd_kafka_event_CreateTopics_result(ev) else { return }
        var count = 0
        guard let topics = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for i in 0..<count {
            let t = topics[i]
            let err = rd_kafka_topic_result_error(t)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { continue }
            let name = String(cString: rd_kafka_topic_result_name(t))
            let text = rd_kafka_topic_result_error_string(t).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(err))
            throw KafkaError(code: err.rawValue, reason: "cannot create topic \(name): \(text)")
        }
    }
}
