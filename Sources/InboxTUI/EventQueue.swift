import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A thread-safe queue of `InboxEvent`s with a wake-up file descriptor (DESIGN §4).
///
/// Producers (the consumer thread, delivery reports) `push` from any thread. A byte is
/// written to the pipe only when the queue goes from empty to non-empty, so the UI thread
/// sleeps in `poll()` on `readFD` and, when woken, calls `drain()`, which empties the pipe
/// and the queue.
public final class EventQueue: Sendable {
    private let pending = Mutex<[InboxEvent]>([])
    /// The descriptor to poll for readability; owned by the queue.
    public let readFD: Int32
    private let writeFD: Int32

    /// Creates the queue and its non-blocking pipe.
    public init() throws(PosixError) {
        let fds = try Posix.pipe()
        readFD = fds.read
        writeFD = fds.write
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Adds one event.
    public func push(_ event: InboxEvent) {
        push(contentsOf: [event])
    }

    /// Adds events in order; wakes the UI thread if the queue was empty.
    public func push(contentsOf events: [InboxEvent]) {
        guard !events.isEmpty else { return }
        let wasEmpty = pending.withLock { queue in
            let empty = queue.isEmpty
            queue.append(contentsOf: events)
            return empty
        }
        // A full pipe already holds a wake-up; any other failure cannot be reported from here,
        // and the next push or drain recovers.
        if wasEmpty { _ = try? Posix.writeByte(writeFD) }
    }

    /// Takes every queued event, in push order, and empties the wake-up pipe.
    ///
    /// The pipe is emptied before the queue is taken, so an event pushed at any moment
    /// is either returned now or leaves a byte that wakes the next `poll()`.
    public func drain() -> [InboxEvent] {
        _ = try? Posix.drain(readFD)
        return pending.withLock { queue in
            let all = queue
            queue.removeAll(keepingCapacity: false)
            return all
        }
    }
}
