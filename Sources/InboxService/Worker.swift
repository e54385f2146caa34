import Foundation
import Synchronization

/// A named thread that can be asked to stop and be waited for (joined). The body checks
/// `isStopping` at each turn of its loop; `stop` sets it, calls `wake` so a body asleep on
/// a semaphore or in a poll returns at once, and waits for the body to return.
public final class Worker: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    /// The thread's name (`top -H` shows it).
    public let name: String

    /// A worker that will run under `name`.
    public init(name: String) { self.name = name }

    /// Whether `stop` was called.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Starts `body` on a new thread (once).
    public func start(_ body: @escaping @Sendable () -> Void) {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let name = self.name
        let finished = self.finished
        let thread = Thread {
            // The kernel's thread name (15 bytes at most), as `top -H` shows it.
            try? String(name.prefix(15)).write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            body()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the body to return, wakes it, and waits until it has (at most `timeout`).
    /// Returns false if it was still running then.
    @discardableResult
    public func stop(timeout: Duration = .seconds(10), wake: () -> Void = {}) -> Bool {
        stopping.store(true, ordering: .releasing)
        guard started.load(ordering: .acquiring) else { return true }
        wake()
        let ok = finished.wait(timeout: .now() + timeout.seconds) == .success
        if ok { finished.signal() }  // a second stop() returns at once too
        return ok
    }
}
