import CRdKafka

/// A topic and a partition.
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    /// Creates one.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    public var description: String { "\(topic)/\(partition)" }
}

/// Owns an `rd_kafka_topic_partition_list_t` and frees it in `deinit`.
final class TopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ items: [(TopicPartition, Int64)]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(items.count, 1)))
        for (tp, offset) in items {
            let elem = rd_kafka_topic_partition_list_add(pointer, tp.topic, tp.partition)
            elem?.pointee.offset = offset
        }
    }

    /// A list of topic names (or `^regex` patterns) for subscribe.
    init(topics: [String]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(topics.count, 1)))
        for t in topics { _ = rd_kafka_topic_partition_list_add(pointer, t, CRdKafka_partitionUA()) }
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    func entries() -> [(TopicPartition, Int64)] {
        (0..<Int(pointer.pointee.cnt)).map { i in
            let e = pointer.pointee.elems[i]
            return (TopicPartition(topic: String(cString: e.topic), partition: e.partition), e.offset)
        }
    }
}
