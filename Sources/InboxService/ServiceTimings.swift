/// The intervals of the service's engines, injected so that tests run them in milliseconds.
public struct ServiceTimings: Sendable, Hashable {
    /// The feed: wait before trying to start the reader again after the cluster did not answer.
    public var reconnect: Duration = .seconds(3)
    /// The feed, while the cluster is unreachable: how often to ask it for metadata, so the
    /// status returns to "connected" even when no message arrives.
    public var probe: Duration = .seconds(3)
    /// The sender: how often to try for the sender lock held by another process.
    public var lockRetry: Duration = .seconds(5)
    /// The sender, while the outbox journal cannot be written: how often to try it again
    /// (besides with every new receipt) with the receipts kept in memory only.
    public var journalRetry: Duration = .seconds(5)
    /// The sender, holding the lock: how often to adopt entries another process left in the outbox.
    public var adopt: Duration = .seconds(10)
    /// The sender: replay older entries after this long even if the receipts topic was never
    /// read to its end (it may be unreadable).
    public var replayDeadline: Duration = .seconds(600)
    /// The sender: first and longest delay before a failed receipt is tried again.
    public var firstBackoff: Duration = .seconds(1)
    public var maxBackoff: Duration = .seconds(15)
    /// The inbox: how often the local snapshot is written (when something new was read).
    public var snapshot: Duration = .seconds(60)

    /// The standard intervals.
    public init() {}

    /// The standard intervals.
    public static let standard = ServiceTimings()
}

extension Duration {
    /// This duration in (fractional) seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
