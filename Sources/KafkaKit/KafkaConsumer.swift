import CRdKafka

/// One consumed message, valid only inside the closure that receives it (no copies made).
public struct MessageView {
    /// The topic name (shared, not built per message).
    public let topic: String
    /// A small number standing for the topic in this consumer (0, 1, 2… in the order the
    /// consumer first met its topics; see `KafkaConsumer.topicIndex(of:)`), for per-topic
    /// tables indexed without hashing the name.
    public let topicIndex: Int
    /// The partition.
    public let partition: Int32
    /// The offset.
    public let offset: Int64
    /// The message timestamp in ms since the epoch (-1 when absent).
    public let timestampMs: Int64
    /// The key bytes, if any.
    public let key: UnsafeRawBufferPointer?
    /// The value bytes (empty for a null value).
    public let value: UnsafeRawBufferPointer
    /// 0, or librdkafka's error code when this is an error event rather than a message.
    public let errorCode: Int32
    /// The error text when `errorCode` is set.
    public let errorText: String?
    let message: UnsafeMutablePointer<rd_kafka_message_t>

    /// The message's headers, name and value (values as UTF-8, invalid bytes replaced; a
    /// header without a value has an empty one). Read only when asked.
    public func headers() -> [(name: String, value: String)] {
        var hdrs: OpaquePointer?
        guard rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs else { return [] }
        var out: [(name: String, value: String)] = []
        var i = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let name else { break }
            let bytes = value.map { UnsafeRawBufferPointer(start: $0, count: size) }
            out.append((String(cString: name), bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""))
            i += 1
        }
        return out
    }

    /// Whether this is the end-of-partition event (only with `enable.partition.eof=true`).
    public var isPartitionEOF: Bool { errorCode == RD_KAFKA_RESP_ERR__PARTITION_EOF.rawValue }
}

/// A Kafka consumer with one queue for everything it reads.
///
/// Two modes: *assigned* (no consumer group at all, so no group rights are needed and
/// every terminal sees every message: partitions are started on one queue with their
/// offsets) and *group* (`group.id` set, `subscribe` to names and `^regex` patterns).
/// Call it from one thread.
public final class KafkaConsumer: @unchecked Sendable {
    /// The underlying client (metadata, watermarks).
    public let client: KafkaClient
    /// Whether this consumer is in a consumer group.
    public let groupMode: Bool
    private let queue: OpaquePointer
    /// Topic names by topic index; `indexByHandle` maps librdkafka's topic handles to it.
    private var topicNames: [String] = []
    private var indexByHandle: [OpaquePointer: Int] = [:]
    private var lastHandle: OpaquePointer?
    private var lastIndex = 0
    private var topicHandles: [String: OpaquePointer] = [:]
    private var started: Set<TopicPartition> = []
    private var batch: [UnsafeMutablePointer<rd_kafka_message_t>?]
    /// Wakes the fetcher after a full queue is drained, where librdkafka cannot (< 2.2).
    private var waker: FetchWaker?
    /// Whether this consumer wakes librdkafka's fetcher itself (librdkafka without
    /// `fetch.queue.backoff.ms`; see `FetchWaker`).
    public var wakesFetcher: Bool { waker != nil }
    /// How many times it did (diagnostics: the benchmark and tests).
    public private(set) var fetcherWakeUps = 0

    /// Creates a consumer; it is in group mode when `config` has a `group.id`.
    public init(config: KafkaConfig, batchSize: Int = 4096) throws {
        var conf = config
        groupMode = config["group.id"] != nil
        if groupMode {
            if conf["enable.auto.commit"] == nil { conf.set("enable.auto.commit", "false") }
            if conf["enable.auto.offset.store"] == nil { conf.set("enable.auto.offset.store", "false") }
        }
        if conf["fetch.queue.backoff.ms"] == nil, KafkaConfig.supports("fetch.queue.backoff.ms", sample: "10") {
            // librdkafka ≥ 2.2: look again 10 ms after the queue was full, not 1 s (a local
            // check; nothing is sent to the broker while the queue is full).
            conf.set("fetch.queue.backoff.ms", "10", origin: "kafka-inbox (catch-up speed)")
        } else if conf["fetch.queue.backoff.ms"] == nil {
            waker = FetchWaker(maxMessages: conf.integer("queued.min.messages") ?? 100_000,
                               maxKilobytes: conf.integer("queued.max.messages.kbytes") ?? 65_536)
        }
        client = try KafkaClient(consumer: true, config: conf, events: groupMode ? 0 : Int32(CRdKafka_eventError()))
        if groupMode {
            rd_kafka_poll_set_consumer(client.handle)
            guard let q = rd_kafka_queue_get_consumer(client.handle) else {
                throw KafkaError(reason: "consumer queue unavailable")
            }
            queue = q
        } else {
            guard let q = rd_kafka_queue_new(client.handle) else { throw KafkaError(reason: "cannot create a queue") }
            queue = q
        }
        batch = Array(repeating: nil, count: batchSize)
    }

    private var closed = false

    /// Leaves the consumer group (so the group rebalances at once, not after the session
    /// timeout) or stops the started partitions. Called by `deinit` if not before.
    public func close() {
        guard !closed else { return }
        closed = true
        if groupMode {
            rd_kafka_consumer_close(client.handle)
        } else {
            for tp in started { if let rkt = topicHandles[tp.topic] { rd_kafka_consume_stop(rkt, tp.partition) } }
        }
    }

    deinit {
        close()
        rd_kafka_queue_destroy(queue)
        for rkt in topicHandles.values { rd_kafka_topic_destroy(rkt) }
    }

    /// Starts reading partitions from the given offsets (use `KafkaOffset` for logical ones).
    /// Partitions already started are left as they are, so this can add new ones later.
    public func assign(_ offsets: [TopicPartition: Int64]) throws {
        if groupMode {
            let list = TopicPartitionList(offsets.map { ($0.key, $0.value) })
            try KafkaError.check(rd_kafka_assign(client.handle, list.pointer), "assign")
            return
        }
        for (tp, offset) in offsets where !started.contains(tp) {
            let rkt = try topicHandle(tp.topic)
            if rd_kafka_consume_start_queue(rkt, tp.partition, offset, queue) != 0 {
                throw KafkaError(rdkafka: rd_kafka_last_error(), context: "start reading \(tp)")
            }
            started.insert(tp)
        }
    }

    /// Moves a started partition (assigned mode) to `offset`, without waiting: messages of
    /// it fetched before and not yet consumed are dropped by librdkafka; those already
    /// handed out (in the batch being handled) are the caller's to skip.
    public func seek(_ tp: TopicPartition, to offset: Int64) throws {
        guard !groupMode, let rkt = topicHandles[tp.topic], started.contains(tp) else {
            throw KafkaError(reason: "seek \(tp): not a started partition")
        }
        try KafkaError.check(rd_kafka_seek(rkt, tp.partition, offset, 0), "seek \(tp)")
    }

    /// The index `MessageView.topicIndex` carries for `topic`, once the consumer has a handle
    /// for it (after `assign` in assigned mode; after its first message in group mode).
    public func topicIndex(of topic: String) -> Int? {
        topicHandles[topic].flatMap { indexByHandle[$0] }
    }

    /// The partitions this consumer reads (assigned mode) or was given by the group.
    public var startedPartitions: Set<TopicPartition> { started }

    /// Joins the configured consumer group, subscribed to topic names and `^regex` patterns.
    public func subscribe(_ topics: [String]) throws {
        let list = TopicPartitionList(topics: topics)
        try KafkaError.check(rd_kafka_subscribe(client.handle, list.pointer), "subscribe")
    }

    /// Client-level errors (e.g. all brokers down) seen since the last call (assigned mode).
    public func pollErrors() -> [KafkaError] {
        guard !groupMode, let main = rd_kafka_queue_get_main(client.handle) else { return [] }
        defer { rd_kafka_queue_destroy(main) }
        var errors: [KafkaError] = []
        while let ev = rd_kafka_queue_poll(main, 0) {
            if rd_kafka_event_type(ev) == CRdKafka_eventError() {
                errors.append(KafkaError(code: rd_kafka_event_error(ev).rawValue,
                                         reason: String(cString: rd_kafka_event_error_string(ev))))
            }
            rd_kafka_event_destroy(ev)
        }
        return errors
    }

    private func topicHandle(_ name: String) throws -> OpaquePointer {
        if let h = topicHandles[name] { return h }
        guard let h = rd_kafka_topic_new(client.handle, name, nil) else {
            throw KafkaError(rdkafka: rd_kafka_last_error(), context: "topic \(name)")
        }
        topicHandles[name] = h
        _ = index(of: h)
        return h
    }

    /// Waits up to `timeoutMs` for a message, then hands it and every other message already
    /// queued (up to the batch size) to `body`; returns how many were handled.
    ///
    /// `rd_kafka_consume_batch_queue` alone waits until the batch is *full* or the timeout
    /// passes, so at a trickle each message would wait the whole timeout (seconds of
    /// latency for live updates). Only the first message is waited for here.
    @discardableResult
    public func consumeBatch(timeoutMs: Int32, _ body: (MessageView) throws -> Void) rethrows -> Int {
        waker?.beforeBatch(queueLength: Int(rd_kafka_queue_length(queue)))
        var n = batch.withUnsafeMutableBufferPointer { buf in
            rd_kafka_consume_batch_queue(queue, 0, buf.baseAddress, buf.count)
        }
        // An empty queue after a full one: wake the fetcher before waiting for it.
        if n <= 0, waker?.afterBatch(count: 0, bytes: 0, queueLength: 0) == true { wakeFetcher() }
        if n <= 0 && timeoutMs != 0 {
            guard let first = rd_kafka_consume_queue(queue, timeoutMs) else { return 0 }
            batch[0] = first
            let more = batch.withUnsafeMutableBufferPointer { buf in
                rd_kafka_consume_batch_queue(queue, 0, buf.baseAddress! + 1, buf.count - 1)
            }
            n = 1 + max(0, more)
        }
        guard n > 0 else { return 0 }
        var bytes = 0
        defer {
            for i in 0..<n { if let m = batch[i] { rd_kafka_message_destroy(m) } }
            if waker?.afterBatch(count: n, bytes: bytes, queueLength: Int(rd_kafka_queue_length(queue))) == true {
                wakeFetcher()
            }
        }
        for i in 0..<n {
            guard let m = batch[i] else { continue }
            bytes &+= m.pointee.len &+ m.pointee.key_len
            try body(view(of: m))
        }
        return n
    }

    /// Sends one small request (latest offsets) to each leader of the partitions read: it
    /// wakes that broker's thread, which then sees the drained queue and fetches. Nothing
    /// waits for the answers (timeout 0: librdkafka sends the requests, returns, and drops
    /// the answers when they come), so the consumer thread goes on at once.
    private func wakeFetcher() {
        let partitions = groupMode ? ((try? assignment()) ?? []) : Array(started)
        guard !partitions.isEmpty else { return }
        fetcherWakeUps += 1
        _ = try? client.offsets(forTimestamp: -1, partitions: partitions, timeoutMs: 0)
    }

    /// Commits `offsets` (the next offset to read, per partition) to the group, synchronously.
    public func commit(_ offsets: [TopicPartition: Int64]) throws {
        guard !offsets.isEmpty else { return }
        let list = TopicPartitionList(offsets.map { ($0.key, $0.value) })
        try KafkaError.check(rd_kafka_commit(client.handle, list.pointer, 0), "commit")
    }

    /// The partitions currently assigned (by us or by the group).
    public func assignment() throws -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try KafkaError.check(rd_kafka_assignment(client.handle, &list), "assignment")
        guard let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return (0..<Int(list.pointee.cnt)).map {
            TopicPartition(topic: String(cString: list.pointee.elems[$0].topic), partition: list.pointee.elems[$0].partition)
        }
    }

    /// The topic index of a librdkafka topic handle (messages come in runs of one
    /// partition, so the last handle answers most calls without a lookup).
    @inline(__always)
    private func index(of rkt: OpaquePointer) -> Int {
        if rkt == lastHandle { return lastIndex }
        let i: Int
        if let known = indexByHandle[rkt] {
            i = known
        } else {
            i = topicNames.count
            topicNames.append(String(cString: rd_kafka_topic_name(rkt)))
            indexByHandle[rkt] = i
        }
        lastHandle = rkt
        lastIndex = i
        return i
    }

    private func view(of m: UnsafeMutablePointer<rd_kafka_message_t>) -> MessageView {
        let msg = m.pointee
        var topic = ""
        var topicIndex = -1
        if let rkt = msg.rkt {
            topicIndex = index(of: rkt)
            topic = topicNames[topicIndex]
        }
        var tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(m, &tstype)
        let value = UnsafeRawBufferPointer(start: msg.payload, count: msg.payload == nil ? 0 : msg.len)
        let key = msg.key.map { UnsafeRawBufferPointer(start: $0, count: msg.key_len) }
        var errText: String?
        if msg.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            errText = String(cString: rd_kafka_message_errstr(m))
        }
        return MessageView(topic: topic, topicIndex: topicIndex, partition: msg.partition, offset: msg.offset, timestampMs: ts,
                           key: key, value: value, errorCode: msg.err.rawValue, errorText: errText, message: m)
    }
}
