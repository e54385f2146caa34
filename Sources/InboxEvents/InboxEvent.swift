import InboxCore

/// The broker connection as the status bar shows it.
public enum ConnectionState: Sendable, Hashable {
    /// Trying to reach the broker at this address.
    case connecting(String)
    /// Connected to the broker at this address.
    case up(String)
    /// The broker at this address cannot be reached.
    case unreachable(String)
    /// Connected to the cluster at this address, but some of its brokers cannot be reached;
    /// `note` says which (their partitions wait).
    case degraded(String, note: String)
}

/// Something that happened outside the UI thread, delivered through an `EventQueue`.
public enum InboxEvent: Sendable, Hashable {
    /// Decoded notifications (malformed entries included), in consume order, packed the way
    /// the inbox stores them (decoded on the consumer thread, copied as bytes on the UI thread).
    case notifications(PackedNotifications)
    /// Receipts read from the receipts topic, in log order (this terminal's and others').
    case receipts([Receipt])
    /// The broker connection changed.
    case connection(ConnectionState)
    /// Catch-up progress: messages loaded so far, the total when known, and whether the
    /// consumer has reached the end of every partition it started with.
    case catchUp(loaded: Int, total: Int?, done: Bool)
    /// How many receipts wait in the outbox for a delivery report.
    case pendingReceipts(Int)
    /// How many unconfirmed receipts are kept in memory only, because the outbox journal
    /// cannot be written (`why`, in words); `why` nil: the journal takes receipts again.
    case unsavedReceipts(Int, why: String?)
    /// An error to show in words on the status line.
    case error(String)
    /// Information for the message line until the next key (e.g. the demo broker's address).
    case notice(String)
    /// What is going on and what to do, shown where the list is while it is empty (nil: none).
    case hint(String?)
    /// Forget every notification and state held: what follows rebuilds the inbox from
    /// the beginning (a local snapshot shown at start turned out not to match Kafka).
    case resetInbox
}

extension InboxEvent {
    /// Notifications given as values, packed here (small sources: tests, a restored list).
    public static func arrived(_ list: [Notification]) -> InboxEvent { .notifications(PackedNotifications(list)) }
}
