import InboxCore
import KafkaKit

/// What one step of reading produced.
public struct ReadBatch: Sendable {
    /// Decoded notifications (malformed ones included), packed the way `Inbox` stores them.
    public var notifications = PackedNotifications()
    /// Receipts, in log order.
    public var receipts: [Receipt] = []
    /// Malformed receipts (skipped, but counted and shown).
    public var badReceipts = 0
    /// What went wrong meanwhile, typed (the broker down, authentication, a partition gone).
    public var conditions: [ReaderCondition] = []
    /// With `InboxReader.recordsOutcomes`: what the `[schema]` mapping made of every message,
    /// those skipped as not for the user included.
    public var outcomes: [(source: SourcePosition, outcome: MessageMapper.Outcome)] = []

    public init() {}

    /// Whether any message was read.
    public var hasMessages: Bool { !notifications.isEmpty || !receipts.isEmpty || badReceipts > 0 }
}

/// A condition the reader met while reading: each caller decides how to show it.
public enum ReaderCondition: Sendable, Hashable, CustomStringConvertible {
    /// No broker of the cluster answers (librdkafka keeps retrying).
    case unreachable(brokers: String, reason: String)
    /// One broker of the cluster cannot be reached (`name` is librdkafka's, e.g.
    /// `127.0.0.1:37809/2`); the others serve their partitions, its partitions wait.
    case brokerUnreachable(name: String, reason: String)
    /// The cluster rejected our credentials.
    case authentication(brokers: String, reason: String)
    /// A partition cannot be read: it no longer exists, or we may not read it. Catch-up no
    /// longer waits for it.
    case partitionUnreadable(TopicPartition, reason: String)
    /// A partition whose leader has not answered since the start: catch-up no longer waits
    /// for it; it is read when the leader answers.
    case leaderSilent(TopicPartition)
    /// Anything else librdkafka reported, in its words.
    case other(String)

    public var description: String {
        switch self {
        case .unreachable(let brokers, let reason): return "broker unreachable: \(brokers) (\(reason))"
        case .brokerUnreachable(let name, let reason): return "broker \(name) unreachable (\(reason))"
        case .authentication(let brokers, let reason): return "authentication failed at \(brokers): \(reason)"
        case .partitionUnreadable(let tp, let reason): return "\(tp.topic)/\(tp.partition): \(reason)"
        case .leaderSilent(let tp): return "\(tp.topic)/\(tp.partition): its leader does not answer; not waited for, read when it does"
        case .other(let text): return text
        }
    }

    /// Whether this says the cluster cannot be reached.
    public var isUnreachable: Bool { if case .unreachable = self { return true } else { return false } }
}
