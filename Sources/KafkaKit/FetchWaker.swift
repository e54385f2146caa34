/// Decides when a consumer should wake librdkafka's fetcher after draining a full queue.
///
/// librdkafka stops fetching a partition while the consumer's queue holds
/// `queued.min.messages` messages or `queued.max.messages.kbytes`; before version 2.2 it
/// then looks again only when its broker thread next wakes, up to a second later
/// (librdkafka issue #2879; 2.2 added `fetch.queue.backoff.ms`). A consumer that decodes
/// slower than the broker sends (the inbox catching up on a million notifications) thus
/// sits idle for most of every second: 8 s instead of 3 s for 1.3 million messages.
///
/// This value watches the queue: once it has been near a threshold and the consumer has
/// drained it to a quarter, it says "wake" (once), and the consumer sends a request to the
/// brokers, whose arrival wakes their threads, which then see the room and fetch. Raising
/// the thresholds instead would hold the whole backlog in memory. The byte threshold is
/// estimated from the average size of the messages consumed.
struct FetchWaker: Sendable {
    /// `queued.min.messages`.
    let maxMessages: Int
    /// `queued.max.messages.kbytes` in bytes.
    let maxBytes: Double
    private var nearLimit = false
    private var averageBytes = 0.0
    /// Messages the previous batch took.
    private var lastTaken = 0

    init(maxMessages: Int, maxKilobytes: Int) {
        self.maxMessages = max(1, maxMessages)
        maxBytes = Double(max(1, maxKilobytes)) * 1024
    }

    /// Called before taking a batch, with the queue length. librdkafka decides whether to
    /// fetch right after queueing a fetch's messages, and from then on only the consumer
    /// shrinks the queue, by at most the batch it took last: so the queue was at least
    /// this length plus that batch when it decided.
    mutating func beforeBatch(queueLength: Int) {
        if isNearLimit(queueLength + lastTaken) { nearLimit = true }
    }

    /// Called after a batch of `count` messages of `bytes` in total (0 when the queue was
    /// empty), with the queue length left: whether to wake the fetcher now.
    mutating func afterBatch(count: Int, bytes: Int, queueLength: Int) -> Bool {
        lastTaken = count
        if count > 0 {
            let batchAverage = Double(bytes) / Double(count)
            averageBytes = averageBytes == 0 ? batchAverage : averageBytes * 0.9 + batchAverage * 0.1
        }
        if isNearLimit(queueLength) {
            nearLimit = true
            return false
        }
        guard nearLimit, queueLength * 4 <= maxMessages, Double(queueLength) * averageBytes * 4 <= maxBytes else { return false }
        nearLimit = false
        return true
    }

    private func isNearLimit(_ length: Int) -> Bool {
        length * 10 >= maxMessages * 8 || Double(length) * averageBytes * 10 >= maxBytes * 8
    }
}
