import InboxCore
import KafkaKit

/// One message to publish.
public struct OutgoingMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]

    /// Creates a message.
    public init(topic: String, key: [UInt8]?, value: [UInt8]) {
        self.topic = topic
        self.key = key
        self.value = value
    }
}

/// The one way messages are published: the idempotent producer, each message tracked by
/// the caller's token until its delivery report. After a fatal producer error (librdkafka
/// before 2.3 can raise one, "sequence desynchronization") it makes a new producer and
/// sends what was in flight again, with the same tokens, so nothing is reported twice and
/// nothing is dropped. Used blocking by the commands (`deliver`) and from its own thread by
/// the inbox's `ReceiptSender` (`produce` + `poll`). Call it from one thread.
public final class DeliveryEngine {
    /// The outcome of one message: its token, and nil or why it failed.
    public struct Report: Sendable {
        public var token: UInt
        public var error: String?
        /// The topic it was for.
        public var topic: String = ""
    }

    private let settings: Settings
    private let messageTimeoutMs: Int?
    private var producer: KafkaProducer
    /// The messages in flight; librdkafka carries each one's sequence number in it.
    private var inflight = InflightStore()
    private var reports: [DeliveryReport] = []
    /// Tokens `deliver` has used so far (each call takes new ones, so a late report of an
    /// earlier call never settles a message of this one).
    private var deliverBase: UInt = 0
    /// Topics whose metadata was asked for (`warm`).
    private var warmed: Set<String> = []
    private var firstWarmed: [String] = []
    /// How many times the producer was recreated after a fatal error.
    public private(set) var restarts = 0
    /// Called with the reason each time the producer is recreated.
    public var onRestart: ((String) -> Void)?

    /// `messageTimeoutMs` bounds how long librdkafka retries a message (default: 3 × the
    /// timeout, at least 30 s), unless `message.timeout.ms` is configured. A bad property
    /// is a configuration error.
    public init(settings: Settings, messageTimeoutMs: Int? = nil) throws(ServiceError) {
        self.settings = settings
        self.messageTimeoutMs = messageTimeoutMs
        producer = try Self.makeProducer(settings: settings, messageTimeoutMs: messageTimeoutMs)
    }

    private static func makeProducer(settings: Settings, messageTimeoutMs: Int?) throws(ServiceError) -> KafkaProducer {
        var config = settings.kafkaConfig(["linger.ms": "5"])
        if config["message.timeout.ms"] == nil {
            let ms = messageTimeoutMs ?? max(Int(settings.timeoutMs) * 3, 30_000)
            config.set("message.timeout.ms", String(max(ms, 1000)), origin: "kafka-inbox")
        }
        do { return try KafkaProducer(config: config) } catch { throw .configuration((error as? KafkaError)?.reason ?? "\(error)") }
    }

    /// Messages handed to the producer and not yet reported.
    public var inFlight: Int { inflight.count }

    /// How long librdkafka may retry one message.
    public var messageTimeout: Int32 {
        Int32(min(Int(producer.client.config["message.timeout.ms"] ?? "30000") ?? 30_000, 600_000))
    }

    /// Checks that the cluster answers within the timeout.
    public func checkReachable() throws(ServiceError) {
        do { _ = try producer.client.topics(only: settings.receiptsTopic, timeoutMs: settings.timeoutMs) } catch {
            throw .unreachable("cannot reach Kafka at \(settings.kafka.brokers) within \(settings.timeoutMs / 1000) s: "
                + "is the broker running? Set it with --brokers, KAFKA_INBOX_BROKERS or the config file. "
                + "[\((error as? KafkaError)?.codeName ?? "\(error)")]")
        }
    }

    /// Hands `message` to the producer; nil when queued (its report comes from `poll`),
    /// else why it could not be queued.
    public func produce(_ message: OutgoingMessage, token: UInt) -> String? {
        message.value.withUnsafeBytes { value in
            guard let key = message.key else { return produce(topic: message.topic, key: nil, value: value, token: token) }
            return key.withUnsafeBytes { produce(topic: message.topic, key: $0, value: value, token: token) }
        }
    }

    /// `produce` of a message given by its bytes (copied before this returns).
    public func produce(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer, token: UInt) -> String? {
        let sequence = inflight.add(token: token, topic: topic, key: key, value: value)
        do {
            try producer.produce(topic: topic, key: key, value: value, token: sequence, reports: &reports)
            return nil
        } catch {
            // Refused because the producer has failed fatally: kept, and sent on the next one.
            if producer.fatal != nil || (error as? KafkaError)?.isFatal == true { return nil }
            _ = inflight.take(sequence)
            return (error as? KafkaError)?.reason ?? "\(error)"
        }
    }

    /// Serves the producer for up to `timeoutMs` and returns the reports of messages done
    /// (delivered or failed for good). Recovers from a fatal producer error first.
    public func poll(timeoutMs: Int32) -> [Report] {
        // With nothing in flight, only the error events are served (a fatal error is seen).
        producer.poll(timeoutMs: inflight.count == 0 ? 0 : timeoutMs, into: &reports)
        var done: [Report] = []
        done.reserveCapacity(reports.count)
        // A message that failed with the producer stays held, for the next one.
        for r in reports where !r.failedFatally {
            guard let (token, topic) = inflight.take(r.token) else { continue }
            done.append(Report(token: token, error: r.delivered ? nil : (r.errorText ?? "error \(r.errorCode)"), topic: topic))
        }
        reports.removeAll(keepingCapacity: true)
        if let fatal = producer.fatal ?? producer.client.fatalError() { done += restart(after: fatal.reason) }
        return done
    }

    /// Replaces a producer that failed fatally and sends every message in flight again.
    private func restart(after reason: String) -> [Report] {
        restarts += 1
        onRestart?(reason)
        let resend = inflight.messages.sorted(by: { $0.token < $1.token })
        inflight.removeAll()
        do { producer = try Self.makeProducer(settings: settings, messageTimeoutMs: messageTimeoutMs) } catch {
            return resend.map { Report(token: $0.token, error: "producer restart failed: \(error)", topic: $0.message.topic) }
        }
        var failed: [Report] = []
        for (token, message) in resend {
            if let why = produce(message, token: token) { failed.append(Report(token: token, error: why, topic: message.topic)) }
        }
        return failed
    }

    /// Raises a fatal error in the current producer (tests of the recovery path).
    public func raiseFatalErrorForTesting() { producer.raiseFatalErrorForTesting() }

    /// Publishes `messages` and waits for every report (bounded by the message timeout,
    /// counted again after each producer restart). Returns, per index, nil when delivered
    /// or why not.
    public func deliver(_ messages: [OutgoingMessage]) -> [String?] {
        var results = [String?](repeating: "no delivery report", count: messages.count)
        var next = messages.makeIterator()
        stream(next: { next.next() }, done: { i, why, _ in results[i] = why })
        return results
    }

    /// Publishes the messages `next` gives until it returns nil, with at most `window`
    /// in flight (so memory does not grow with how many there are), then waits for every
    /// report (bounded by the message timeout, counted again after each producer restart).
    /// `done` is called once per message: its index in `next`'s order, nil when delivered
    /// or why not, and its topic. Returns how many `next` gave.
    @discardableResult
    public func stream<E: Error>(window: Int = 50_000, next: () throws(E) -> OutgoingMessage?,
                                 done: (Int, String?, String) -> Void) throws(E) -> Int {
        try stream(window: window, next: { (send: Send) throws(E) -> Bool in
            guard let m = try next() else { return false }
            m.value.withUnsafeBytes { value in
                guard let key = m.key else { return send(m.topic, nil, value) }
                key.withUnsafeBytes { send(m.topic, $0, value) }
            }
            return true
        }, done: done)
    }

    /// What `stream`'s `next` calls with a message to publish: its topic, key and value
    /// (copied before it returns).
    public typealias Send = (String, UnsafeRawBufferPointer?, UnsafeRawBufferPointer) -> Void

    /// `stream` of messages given by their bytes: `next` calls `send` with at most one
    /// message and returns false when there are no more (the one it may have sent counts).
    @discardableResult
    public func stream<E: Error>(window: Int = 50_000, next: (Send) throws(E) -> Bool,
                                 done: (Int, String?, String) -> Void) throws(E) -> Int {
        let base = deliverBase
        var count = 0
        // A token is reported once: poll reports only tokens in flight, and forgets them.
        func take(_ reports: [Report]) {
            for r in reports where r.token > base && r.token <= base + UInt(count) {
                done(Int(r.token - base) - 1, r.error, r.topic)
            }
        }
        defer { deliverBase = base + UInt(count) }
        var more = true
        while more {
            var sent = false
            var refused: (why: String, topic: String)?
            more = try next { topic, key, value in
                guard !sent else { return }  // one message per call
                sent = true
                count += 1
                warm(topic)
                if let why = produce(topic: topic, key: key, value: value, token: base + UInt(count)) { refused = (why, topic) }
            }
            guard sent else { continue }
            if let refused { done(count - 1, refused.why, refused.topic) }
            // Reports served as they come (every 1,000 messages), not only when the window is full.
            if count % 1000 == 0 || reports.count > 1000 { take(poll(timeoutMs: 0)) }
            // A message not reported for long holds the ones after it too: their span is bounded as well.
            while inflight.count >= window || inflight.span >= 4 * window { take(poll(timeoutMs: 10)) }
        }
        let clock = ContinuousClock()
        let wait = Duration.milliseconds(Int(messageTimeout) + 5000)
        var deadline = clock.now + wait
        var seenRestarts = restarts
        let mine = (base + 1)..<(base + UInt(count) + 1)
        while inflight.holds(tokens: mine) && clock.now < deadline {
            take(poll(timeoutMs: 100))
            if restarts != seenRestarts {
                seenRestarts = restarts
                deadline = clock.now + wait
            }
        }
        inflight.forEach { token, topic, _, _ in
            if token > base && token <= base + UInt(count) { done(Int(token - base) - 1, "no delivery report", topic) }
        }
        return count
    }

    /// Asks for a topic's metadata the first time it is produced to: librdkafka learns an
    /// unknown topic's partitions only on its next scan, a second later.
    private func warm(_ topic: String) {
        // The first few by comparison (the same string object compares at once), the rest hashed.
        for known in firstWarmed where known == topic { return }
        guard warmed.insert(topic).inserted else { return }
        if firstWarmed.count < 8 { firstWarmed.append(topic) }
        _ = try? producer.client.topics(only: topic, timeoutMs: min(settings.timeoutMs, 5000))
    }
}
