import Foundation
import InboxFeed

/// A bounded queue of read batches from one reading thread to one applying thread
/// (`InboxLoader`): `put` waits while it is full, `take` while it is empty; `finish` says
/// no more will come; `close` (the taker gives up) makes `put` return false at once.
final class BatchHandoff: @unchecked Sendable {
    /// Guards every field below.
    private let condition = NSCondition()
    private var queue: [ReadBatch] = []
    private var head = 0
    private var finished = false
    private var closed = false
    private let capacity: Int

    /// A queue of at most `capacity` batches.
    init(capacity: Int) { self.capacity = capacity }

    /// Adds a batch, waiting for room; false when the taker has closed the queue.
    func put(_ batch: ReadBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// No more batches will be put.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The taker stops taking: `put` returns false from now on.
    func close() {
        condition.lock()
        closed = true
        queue = []
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, waiting for one; nil once finished and empty (or closed).
    func take() -> ReadBatch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.count == head && !finished && !closed { condition.wait() }
        guard queue.count > head else { return nil }
        let batch = queue[head]
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return batch
    }
}
