import InboxCore
import KafkaKit

/// One message to publish.
struct OutgoingMessage {
    var topic: String
    var key: [UInt8]?
    var value: [UInt8]
}

/// Publishes messages with the idempotent producer and waits for every delivery report.
final class Publisher {
    private let producer: KafkaProducer
    private let settings: Settings

    /// `messageTimeoutMs` bounds how long librdkafka retries a message (default: 3 × the
    /// timeout, at least 30 s), unless `message.timeout.ms` is configured.
    init(settings: Settings, messageTimeoutMs: Int? = nil) throws {
        self.settings = settings
        producer = try Self.makeProducer(settings: settings, messageTimeoutMs: messageTimeoutMs)
    }

    /// The producer's fatal error, if one happened (recreate it and replay).
    var fatalError: KafkaError? { producer.fatal }

    /// An idempotent producer with the settings' properties; a bad property is a config error.
    static func makeProducer(settings: Settings, messageTimeoutMs: Int? = nil) throws -> KafkaProducer {
        var config = settings.kafkaConfig(["linger.ms": "5"])
        if config["message.timeout.ms"] == nil {
            let ms = messageTimeoutMs ?? max(Int(settings.timeoutMs) * 3, 30_000)
            config.set("message.timeout.ms", String(max(ms, 1000)), origin: "kafka-inbox")
        }
        do { return try KafkaProducer(config: config) } catch let e as KafkaError { throw Settings.configError(e.reason) }
    }

    /// Checks that the cluster answers, within the timeout (a distinct exit code if not).
    func checkReachable() throws {
        do { _ = try producer.client.topics(only: settings.receiptsTopic, timeoutMs: settings.timeoutMs) } catch let e as KafkaError {
            throw CommandFailure(message: "cannot reach Kafka at \(settings.kafka.brokers) within \(settings.timeoutMs / 1000) s: "
                + "is the broker running? Set it with --brokers, KAFKA_INBOX_BROKERS or the config file. [\(e.codeName)]",
                exit: ExitStatus.unavailable)
        }
    }

    /// Publishes `messages`; returns, per index, nil when delivered or librdkafka's error text.
    func publish(_ messages: [OutgoingMessage]) throws -> [String?] {
        var results = [String?](repeating: "no delivery report", count: messages.count)
        var reports: [DeliveryReport] = []
        func take(_ rs: [DeliveryReport]) {
            for r in rs where r.token >= 1 && Int(r.token) <= messages.count {
                results[Int(r.token) - 1] = r.delivered ? nil : (r.errorText ?? "error \(r.errorCode)")
            }
        }
        for (i, m) in messages.enumerated() {
            do {
                try producer.produce(topic: m.topic, key: m.key, value: m.value, token: UInt(i + 1), reports: &reports)
            } catch let e as KafkaError {
                results[i] = e.reason
            }
            if reports.count > 1000 { take(reports); reports.removeAll(keepingCapacity: true) }
        }
        take(reports)
        let timeout = Int32(min(Int(producer.client.config["message.timeout.ms"] ?? "30000") ?? 30000, 600_000) + 5000)
        take(producer.flush(timeoutMs: timeout))
        return results
    }
}
