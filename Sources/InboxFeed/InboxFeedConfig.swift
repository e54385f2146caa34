import InboxCore
import KafkaKit

/// What `InboxReader` reads and how: the user's topics (through the layout), the client
/// configuration, where to start, and which of notifications / receipts to include.
public struct InboxFeedConfig: Sendable {
    /// The user whose topics are read.
    public var user: String
    /// Topic naming: which topics hold the user's notifications and receipts.
    public var layout: TopicLayout
    /// librdkafka properties (brokers, security…). The reader adds `enable.partition.eof`
    /// when absent and sets `fetch.wait.max.ms` to `fetchWaitMaxMs`.
    public var kafka: KafkaConfig
    /// Bound of each metadata / watermark request.
    public var timeoutMs: Int32
    /// Notification kinds to read (nil: the layout's kinds plus pattern topics).
    public var kinds: [Kind]?
    /// Where notifications start (receipts always start at the beginning).
    public var start: StartPosition
    /// Whether to read notification topics.
    public var includeNotifications: Bool
    /// Whether to read the receipts topic.
    public var includeReceipts: Bool
    /// `fetch.wait.max.ms` of the consumer: a broker without new data answers a fetch only
    /// after this wait, so it bounds live latency. nil leaves `kafka` as is.
    public var fetchWaitMaxMs: String?
    /// A consumer group for the notification topics (nil: every partition assigned, no
    /// group). With a group, `start` may only be `.beginning` or `.end` (where a partition
    /// without a committed offset starts) and receipts are not read.
    public var group: String?
    /// How to read a producer's own message shape (nil: the native contract, at full speed).
    public var schema: SchemaConfig?
    /// The user's teams or groups (`$groups` in the schema's expressions).
    public var groups: [String] = []

    /// Creates a configuration.
    public init(user: String, layout: TopicLayout = TopicLayout(), kafka: KafkaConfig, timeoutMs: Int32 = 10_000,
                kinds: [Kind]? = nil, start: StartPosition = .beginning,
                includeNotifications: Bool = true, includeReceipts: Bool = true,
                fetchWaitMaxMs: String? = InboxReaderTuning.fetchWaitMaxMs, group: String? = nil) {
        self.user = user
        self.layout = layout
        self.kafka = kafka
        self.timeoutMs = timeoutMs
        self.kinds = kinds
        self.start = start
        self.includeNotifications = includeNotifications
        self.includeReceipts = includeReceipts
        self.fetchWaitMaxMs = fetchWaitMaxMs
        self.group = group
        if group != nil { self.includeReceipts = false }
    }

    /// The user's receipts topic.
    public var receiptsTopic: String { layout.receiptsTopic(user: user) }
}

/// Why a reader could not be created or started.
public enum InboxReaderError: Error, Sendable, CustomStringConvertible {
    /// librdkafka rejected the configuration.
    case configuration(String)
    /// The broker rejected our credentials.
    case authentication(brokers: String, reason: String)
    /// No metadata within the timeout; `detail` is the last client error, `code` the error's name.
    case unreachable(brokers: String, timeoutMs: Int32, detail: String?, code: String)
    /// A request for watermarks or offsets failed after the broker answered metadata.
    case request(KafkaError)

    public var description: String {
        switch self {
        case .configuration(let reason): return reason
        case .authentication(let brokers, let reason): return "authentication failed at \(brokers): \(reason)"
        case .unreachable(let brokers, let timeoutMs, let detail, let code):
            return "cannot reach Kafka at \(brokers) within \(timeoutMs / 1000) s\(detail.map { " (\($0))" } ?? "") [\(code)]"
        case .request(let e): return e.reason
        }
    }
}

/// Consumer settings of the reader.
public enum InboxReaderTuning {
    /// Default `fetch.wait.max.ms` (see `InboxFeedConfig.fetchWaitMaxMs`). A real broker
    /// answers a waiting fetch as soon as data arrives, so this only sets how often an idle
    /// terminal asks (10 times a second) and bounds the delay on brokers that do not.
    public static let fetchWaitMaxMs = "100"
    /// Tail first (the interactive inbox): the newest messages of each partition (the
    /// receipts topic's too) read before its history, so the first screen is the newest rows.
    public static let tailFirstRows: Int64 = 64
    /// Tail first: how long partitions whose tail is read wait for the other tails before
    /// reading their history (0.5 s: longer only when a partition does not answer).
    public static let tailBarrierMs = 500
    /// For librdkafka's embedded broker, which holds every empty fetch for the full wait
    /// even when data arrives: `demo` and `inbox-bench` use this (live produce-to-screen p99
    /// under 50 ms at 10,000 notifications/s).
    public static let embeddedBrokerFetchWaitMaxMs = "5"
    /// Default `queued.max.messages.kbytes`: at most 8 MB fetched and not yet read (the
    /// count bound, `queued.min.messages`, is librdkafka's 100,000). At 1,000,000, 32 MB
    /// held catch-up's peak 20-30 MB higher than 16 MB, and 16 MB 15-20 MB higher than 8 MB,
    /// with no measurable gain in speed (alternating runs, medians within the noise).
    public static let queuedKilobytes = 8_192
    /// Default `fetch.max.bytes`: one fetch response brings at most 4 MB (a message larger
    /// than that still comes, alone).
    public static let fetchMaxBytes = 4 << 20
}
