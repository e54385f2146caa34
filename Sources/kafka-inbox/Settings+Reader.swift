import InboxCore
import InboxFeed
import KafkaKit

extension Settings {
    /// The reader configuration for these settings.
    func feedConfig(kinds: [Kind]?, from: StartPosition = .beginning,
                    notifications: Bool = true, receipts: Bool = true) -> InboxFeedConfig {
        InboxFeedConfig(user: user, layout: layout, kafka: kafka, timeoutMs: timeoutMs, kinds: kinds, start: from,
                        includeNotifications: notifications, includeReceipts: receipts, fetchWaitMaxMs: fetchWaitMaxMs)
    }

    /// A reader of the user's topics, started: every partition assigned. Throws a
    /// `CommandFailure` with `ExitStatus.unavailable` when the broker does not answer within
    /// the timeout, `ExitStatus.noPermission` when authentication fails.
    func startReader(kinds: [Kind]?, from: StartPosition = .beginning,
                     notifications: Bool = true, receipts: Bool = true,
                     beforeStart: ((InboxReader) -> Void)? = nil) throws -> InboxReader {
        do {
            let reader = try InboxReader(config: feedConfig(kinds: kinds, from: from, notifications: notifications, receipts: receipts))
            beforeStart?(reader)
            try reader.start()
            return reader
        } catch {
            throw failure(error)
        }
    }

    /// The command-line wording and exit status of a reader error.
    func failure(_ error: InboxReaderError) -> any Error {
        switch error {
        case .configuration(let reason):
            return Settings.configError(reason)
        case .authentication(let brokers, let reason):
            return CommandFailure(message: "authentication failed at \(brokers): \(reason)", exit: ExitStatus.noPermission)
        case .unreachable(let brokers, let timeoutMs, let detail, let code):
            return CommandFailure(message: "cannot reach Kafka at \(brokers) within \(timeoutMs / 1000) s\(detail.map { " (\($0))" } ?? ""): "
                + "is the broker running? Set it with --brokers, KAFKA_INBOX_BROKERS or the config file. [\(code)]",
                exit: ExitStatus.unavailable)
        case .request(let e):
            return e
        }
    }
}
