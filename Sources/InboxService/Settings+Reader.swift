import InboxCore
import InboxFeed
import KafkaKit

extension Settings {
    /// The reader configuration for these settings.
    public func feedConfig(kinds: [Kind]?, from: StartPosition = .beginning,
                           notifications: Bool = true, receipts: Bool = true, group: String? = nil) -> InboxFeedConfig {
        var config = InboxFeedConfig(user: user, layout: layout, kafka: kafka, timeoutMs: timeoutMs, kinds: kinds, start: from,
                                     includeNotifications: notifications, includeReceipts: receipts, fetchWaitMaxMs: fetchWaitMaxMs,
                                     group: group)
        config.schema = schema
        config.groups = groups
        return config
    }

    /// A reader of the user's topics, started. Throws `ServiceError.unreachable` when the
    /// broker does not answer within the timeout, `.authentication` when it rejects us.
    public func startReader(kinds: [Kind]?, from: StartPosition = .beginning,
                            notifications: Bool = true, receipts: Bool = true, group: String? = nil,
                            beforeStart: ((InboxReader) -> Void)? = nil) throws(ServiceError) -> InboxReader {
        do {
            let reader = try InboxReader(config: feedConfig(kinds: kinds, from: from, notifications: notifications,
                                                            receipts: receipts, group: group))
            beforeStart?(reader)
            try reader.start()
            return reader
        } catch {
            throw failure(error)
        }
    }

    /// The service error for a reader error, in the words the user sees.
    public func failure(_ error: InboxReaderError) -> ServiceError {
        switch error {
        case .configuration(let reason):
            return .configuration(reason)
        case .authentication(let brokers, let reason):
            return .authentication("authentication failed at \(brokers): \(reason)")
        case .unreachable(let brokers, let timeoutMs, let detail, let code):
            return .unreachable("cannot reach Kafka at \(brokers) within \(timeoutMs / 1000) s\(detail.map { " (\($0))" } ?? ""): "
                + "is the broker running? Set it with --brokers, KAFKA_INBOX_BROKERS or the config file. [\(code)]")
        case .request(let e):
            return .failed(e.reason)
        }
    }
}
