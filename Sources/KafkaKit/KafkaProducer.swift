#if canImport(Glibc)
import Glibc
#endif
import CRdKafka

/// The outcome of one produced message, from its delivery report.
public struct DeliveryReport: Sendable, Hashable {
    /// The token given to `produce`.
    public var token: UInt
    /// 0 when the broker confirmed the message; librdkafka's error code otherwise.
    public var errorCode: Int32
    /// librdkafka's text for the error.
    public var errorText: String?
    /// Where the message landed.
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    /// Whether the broker confirmed the message.
    public var delivered: Bool { errorCode == 0 }
    /// Whether it failed because the producer hit a fatal error, not because of the message:
    /// `_FATAL`, or purged from the queue (librdkafka purges what is queued and in flight
    /// after a fatal error; kafka-inbox never purges otherwise). A new producer can send it.
    public var failedFatally: Bool {
        errorCode == RD_KAFKA_RESP_ERR__FATAL.rawValue || errorCode == RD_KAFKA_RESP_ERR__PURGE_QUEUE.rawValue
            || errorCode == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT.rawValue
    }
}

/// An idempotent (`enable.idempotence=true`, `acks=all`) producer. Success is only what a
/// delivery report confirms. Call it from one thread; `poll` returns the reports.
public final class KafkaProducer: @unchecked Sendable {
    /// The underlying client.
    public let client: KafkaClient
    private let mainQueue: OpaquePointer

    /// Creates a producer. Idempotence and `acks=all` are forced on.
    public init(config: KafkaConfig) throws {
        var conf = config
        conf.set("enable.idempotence", "true", origin: "kafka-inbox (receipts must not duplicate)")
        conf.set("acks", "all", origin: "kafka-inbox (receipts must not be lost)")
        let events = CRdKafka_eventDR() | CRdKafka_eventError()
        client = try KafkaClient(consumer: false, config: conf, events: Int32(events))
        guard let q = rd_kafka_queue_get_main(client.handle) else { throw KafkaError(reason: "main queue unavailable") }
        mainQueue = q
    }

    deinit {
        for rkt in topicNames.keys { rd_kafka_topic_destroy(rkt) }
        rd_kafka_queue_destroy(mainQueue)
    }

    /// Queues one message; `token` comes back in its delivery report. Waits (serving
    /// delivery reports into `reports`) while librdkafka's local queue is full.
    public func produce(topic: String, key: [UInt8]?, value: [UInt8], token: UInt,
                        reports: inout [DeliveryReport]) throws {
        try value.withUnsafeBytes { v in
            try withOptionalBytes(key) { k in try produce(topic: topic, key: k, value: v, token: token, reports: &reports) }
        }
    }

    /// `produce` of a message given by its bytes (copied by librdkafka before this returns).
    public func produce(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer, token: UInt,
                        reports: inout [DeliveryReport]) throws {
        let rkt = handle(topic)
        let opaque = UnsafeMutableRawPointer(bitPattern: token)
        while true {
            let err: rd_kafka_resp_err_t
            if let rkt {
                err = CRdKafka_produceTopic(rkt, key?.baseAddress, key?.count ?? 0, value.baseAddress, value.count, opaque)
            } else {
                err = CRdKafka_produce(client.handle, topic, key?.baseAddress, key?.count ?? 0, value.baseAddress, value.count, opaque)
            }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                poll(timeoutMs: 100, into: &reports)
                continue
            }
            try KafkaError.check(err, "produce to \(topic)")
            return
        }
    }

    /// Serves events for up to `timeoutMs` (returning after the first batch) and returns
    /// the delivery reports received. Errors go to `lastError`.
    public func poll(timeoutMs: Int32) -> [DeliveryReport] {
        var reports: [DeliveryReport] = []
        poll(timeoutMs: timeoutMs, into: &reports)
        return reports
    }

    /// `poll`, appending the reports to `reports` (a buffer the caller keeps: no array is
    /// made per call).
    public func poll(timeoutMs: Int32, into reports: inout [DeliveryReport]) {
        var wait = timeoutMs
        while let ev = rd_kafka_queue_poll(mainQueue, wait) {
            defer { rd_kafka_event_destroy(ev) }
            wait = 0
            let type = rd_kafka_event_type(ev)
            if type == CRdKafka_eventDR() {
                // Grown by doubling: an exact reserve per event would copy the whole buffer
                // each time (100,000 reports in one poll moved gigabytes that way).
                let needed = reports.count + rd_kafka_event_message_count(ev)
                if reports.capacity < needed { reports.reserveCapacity(max(needed, reports.capacity * 2)) }
                while let m = rd_kafka_event_message_next(ev) {
                    let msg = m.pointee
                    let topic = msg.rkt.map(topicName) ?? ""
                    let text = msg.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : String(cString: rd_kafka_err2str(msg.err))
                    reports.append(DeliveryReport(token: UInt(bitPattern: msg._private), errorCode: msg.err.rawValue,
                                                  errorText: text, topic: topic, partition: msg.partition, offset: msg.offset))
                }
            } else if type == CRdKafka_eventError() {
                let code = rd_kafka_event_error(ev)
                let text = String(cString: rd_kafka_event_error_string(ev))
                lastError = KafkaError(code: code.rawValue, reason: text)
                if rd_kafka_event_error_is_fatal(ev) != 0 { fatal = lastError }
            }
        }
    }

    /// The topic handles this producer holds (one reference each, given back at deinit), by
    /// name, and their names by handle: a message is produced to its topic's handle (not
    /// looked up by name in librdkafka each time), and a report's topic is the held name.
    /// A held handle's address is not reused, so a report's handle needs no name check.
    private var topicHandles: [String: OpaquePointer] = [:]
    private var topicNames: [OpaquePointer: String] = [:]
    /// The first few handles made, looked up by comparison (the same string object compares at once).
    private var firstTopics: [(name: String, rkt: OpaquePointer)] = []

    /// The handle of `topic` (nil if librdkafka gives none: the message then goes by name).
    /// At most 1,000 are held; beyond that, topics go by name.
    private func handle(_ topic: String) -> OpaquePointer? {
        for known in firstTopics where known.name == topic { return known.rkt }
        if let rkt = topicHandles[topic] { return rkt }
        guard topicHandles.count < 1000, let rkt = rd_kafka_topic_new(client.handle, topic, nil) else { return nil }
        topicHandles[topic] = rkt
        topicNames[rkt] = topic
        if firstTopics.count < 8 { firstTopics.append((topic, rkt)) }
        return rkt
    }

    private func topicName(_ rkt: OpaquePointer) -> String {
        for known in firstTopics where known.rkt == rkt { return known.name }
        if let known = topicNames[rkt] { return known }
        return String(cString: rd_kafka_topic_name(rkt))
    }

    /// The last error event (e.g. all brokers down), for the status bar.
    public private(set) var lastError: KafkaError?
    /// A fatal error: the producer must be recreated and pending messages replayed.
    public private(set) var fatal: KafkaError?

    /// Raises a fatal error in this producer, as librdkafka would on an idempotence failure
    /// (`rd_kafka_test_fatal_error`; tests of the recovery path use it).
    public func raiseFatalErrorForTesting(_ reason: String = "test fatal error") {
        _ = rd_kafka_test_fatal_error(client.handle, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason)
    }

    /// Messages queued or in flight (not yet reported).
    public var outstanding: Int { Int(rd_kafka_outq_len(client.handle)) }

    /// Waits until every queued message has a delivery report or `timeoutMs` passes;
    /// returns the reports received meanwhile.
    public func flush(timeoutMs: Int32) -> [DeliveryReport] {
        var reports: [DeliveryReport] = []
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int(timeoutMs)))
        while outstanding > 0 {
            let now = clock.now
            if now >= deadline { break }
            let left = now.duration(to: deadline).components
            let ms = left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000
            reports += poll(timeoutMs: Int32(max(1, min(ms, 100))))
        }
        reports += poll(timeoutMs: 0)
        return reports
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
    guard let bytes else { return try body(nil) }
    return try bytes.withUnsafeBytes { try body($0) }
}
