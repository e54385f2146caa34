import InboxSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A thread-safe queue of `InboxEvent`s with a wake-up file descriptor: the one channel from
/// the consumer thread and the receipt sender to the UI thread.
///
/// Producers (the consumer thread, delivery reports) `push` from any thread. A byte is
/// written to the pipe only when the queue goes from empty to non-empty, so the UI thread
/// sleeps in `poll()` on `readFD` and, when woken, calls `drain()`, which empties the pipe
/// and the queue.
public final class EventQueue: Sendable {
    private struct State {
        var queue: [InboxEvent] = []
        /// Events ever pushed, and ever taken by `drain` (a position in the stream).
        var pushed: UInt64 = 0
        var drained: UInt64 = 0
        /// Notifications and receipts in `queue`.
        var items = 0
        /// About how many bytes they hold.
        var bytes = 0
    }
    private let pending = Mutex(State())
    /// The descriptor to poll for readability; owned by the queue.
    public let readFD: Int32
    private let writeFD: Int32

    /// Creates the queue and its non-blocking pipe.
    public init() throws(SystemError) {
        let fds = try Posix.pipe()
        readFD = fds.read
        writeFD = fds.write
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Adds one event.
    @discardableResult
    public func push(_ event: InboxEvent) -> UInt64 {
        push(contentsOf: [event])
    }

    /// Adds events in order; wakes the UI thread if the queue was empty. Returns how many
    /// events were ever pushed, these included: once `drainedCount` reaches it, the UI
    /// thread has taken them.
    @discardableResult
    public func push(contentsOf events: [InboxEvent]) -> UInt64 {
        let (wasEmpty, pushed) = pending.withLock { state in
            let empty = state.queue.isEmpty
            state.queue.append(contentsOf: events)
            state.pushed += UInt64(events.count)
            for e in events {
                let (items, bytes) = Self.size(of: e)
                state.items += items
                state.bytes += bytes
            }
            return (empty, state.pushed)
        }
        // A full pipe already holds a wake-up; any other failure cannot be reported from here,
        // and the next push or drain recovers.
        if wasEmpty && !events.isEmpty { _ = try? Posix.writeByte(writeFD) }
        return pushed
    }

    /// How many notifications and receipts a consumer thread lets wait for the UI thread
    /// (see `waitForRoom`): about 25 MB decoded (up to twice that while the UI thread applies
    /// the batch it has just taken), and some 50 ms of UI work per batch.
    public static let backlogLimit = 50_000
    /// How many bytes of them (large notifications reach it first): 16 MB.
    public static let backlogByteLimit = 16 << 20

    /// Notifications and receipts pushed and not drained yet.
    public var queuedItems: Int { pending.withLock { $0.items } }
    /// About how many bytes they hold.
    public var queuedBytes: Int { pending.withLock { $0.bytes } }

    /// Returns once at most `limit` notifications and receipts, of at most `byteLimit`
    /// bytes, are queued, or `stop` says so.
    ///
    /// The consumer thread calls it before reading more: when the UI thread applies slower
    /// than Kafka delivers (catching up on a million), or cannot apply at all (blocked in a
    /// write to a terminal that stopped reading), the backlog then waits in Kafka's own
    /// bounded fetch queue instead of growing here, decoded, without bound.
    public func waitForRoom(limit: Int = backlogLimit, byteLimit: Int = backlogByteLimit, stop: () -> Bool = { false }) {
        while !stop() {
            let (items, bytes) = pending.withLock { ($0.items, $0.bytes) }
            if items <= limit && bytes <= byteLimit { return }
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&pause, nil)
        }
    }

    /// Notifications and receipts in an event, and about how many bytes they hold.
    private static func size(of event: InboxEvent) -> (items: Int, bytes: Int) {
        switch event {
        case .notifications(let batch): return (batch.count, batch.byteCount)
        case .receipts(let list): return (list.count, list.count * 256)
        default: return (0, 0)
        }
    }

    /// How many events were ever taken by `drain` (compare with what `push` returned).
    public var drainedCount: UInt64 { pending.withLock { $0.drained } }

    /// Takes every queued event, in push order, and empties the wake-up pipe.
    ///
    /// The pipe is emptied before the queue is taken, so an event pushed at any moment
    /// is either returned now or leaves a byte that wakes the next `poll()`.
    public func drain() -> [InboxEvent] {
        _ = try? Posix.drain(readFD)
        return pending.withLock { state in
            let all = state.queue
            state.queue.removeAll(keepingCapacity: false)
            state.drained = state.pushed
            state.items = 0
            state.bytes = 0
            return all
        }
    }
}
