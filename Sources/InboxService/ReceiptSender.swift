import InboxCore
import InboxEvents
import Synchronization
import Foundation

/// Delivers the inbox's receipts on its own thread, from the durable `Outbox`.
///
/// A key press costs the UI thread no disk and no lock held across I/O: `enqueue` makes the
/// receipts and hands them over in memory. This thread then appends them to the outbox
/// journal and fsyncs it before anything is produced, and marks them done only when a
/// delivery report confirms them. Failed receipts are retried with backoff (errors shown
/// in words); a fatal producer is recreated by the `DeliveryEngine`. Older entries (earlier
/// runs, or commands that could not deliver) are replayed once this process holds the
/// `SenderLock` and the receipts topic has been read to its end.
public final class ReceiptSender: Sendable {
    private struct Shared {
        /// Made on the UI thread, not yet journaled.
        var fresh: [Receipt] = []
        var pending = 0
    }

    private let shared = Mutex(Shared())
    private let wake = DispatchSemaphore(value: 0)
    private let progress = DispatchSemaphore(value: 0)
    private let settings: Settings
    private let events: EventQueue
    private let factory: ReceiptFactory
    private let outbox: Outbox?
    private let overlay: PendingOverlay
    private let worker = Worker(name: "receipt-sender")
    private let caughtUpFlag = Atomic<Bool>(false)
    /// Ids of the receipts this process made: the outbox's other entries (earlier runs, or a
    /// command that could not deliver while this inbox held the sender lock) are adopted.
    private let createdHere = Mutex<Set<String>>([])

    /// `outbox` nil: receipts are kept in memory only (the outbox could not be opened).
    public init(settings: Settings, events: EventQueue, outbox: Outbox?, overlay: PendingOverlay) {
        self.settings = settings
        self.events = events
        self.factory = ReceiptFactory(user: settings.user)
        self.outbox = outbox
        self.overlay = overlay
    }

    /// Called once the receipts topic is read to its end: older entries are replayed after
    /// that, so the ones found there are not sent twice.
    public func receiptsCaughtUp() { caughtUpFlag.store(true, ordering: .releasing) }

    /// Called on the UI thread with the receipts of one action; returns at once (no I/O).
    public func enqueue(_ requests: [ReceiptRequest]) {
        let at = Timestamps.iso8601(ms: Timestamps.nowMs())  // one action, one time
        let receipts = requests.map { factory.receipt(for: $0, at: at) }
        guard !receipts.isEmpty else { return }
        createdHere.withLock { $0.formUnion(receipts.map(\.receiptID)) }
        overlay.note(receipts)
        let count = shared.withLock { s in
            s.fresh += receipts
            s.pending += receipts.count
            return s.pending
        }
        events.push(.pendingReceipts(count))
        wake.signal()
    }

    /// Receipts not yet confirmed.
    public var pending: Int { shared.withLock { $0.pending } }

    /// Waits until nothing is pending or `timeout` passes; returns what is still pending.
    public func flush(timeout: Duration) -> Int {
        let deadline = DispatchTime.now() + timeout.seconds
        while pending > 0 {
            if progress.wait(timeout: deadline) == .timedOut { break }
        }
        return pending
    }

    /// Starts the sending thread; `earlier` are the outbox's entries from earlier runs
    /// (already applied to the view by the caller).
    public func start(earlier: [Receipt]) {
        shared.withLock { $0.pending += earlier.count }
        if !earlier.isEmpty { events.push(.pendingReceipts(pending)) }
        worker.start { [self] in self.loop(earlier: earlier) }
    }

    /// Stops the thread and waits for it; receipts not journaled yet are written to the
    /// outbox then (what is in flight stays there for the next start). Returns why that
    /// write failed, if it did.
    @discardableResult
    public func stop() -> String? {
        worker.stop { wake.signal() }
        return journalFresh().problem
    }

    private func setPending(_ change: Int) {
        guard change != 0 else { return }
        let count = shared.withLock { s in s.pending = max(0, s.pending + change); return s.pending }
        events.push(.pendingReceipts(count))
        progress.signal()
    }

    private func addPending(_ receipts: [Receipt]) {
        guard !receipts.isEmpty else { return }
        let count = shared.withLock { s in s.pending += receipts.count; return s.pending }
        overlay.note(receipts)
        events.push(contentsOf: [.receipts(receipts), .pendingReceipts(count)])
    }

    /// Drops receipts that the outbox no longer holds as pending (delivered by another
    /// process, found on the receipts topic, or superseded by a newer receipt).
    private func stillPending(_ receipts: [Receipt]) -> [Receipt] {
        guard let outbox, !receipts.isEmpty, let ids = try? Set(outbox.pending().map(\.receiptID)) else { return receipts }
        let kept = receipts.filter { ids.contains($0.receiptID) }
        setPending(kept.count - receipts.count)
        return kept
    }

    /// Journals the receipts made on the UI thread since the last turn (one write, one
    /// fsync); returns them, and why they could not be journaled, if they could not.
    private func journalFresh() -> (receipts: [Receipt], problem: String?) {
        let fresh = shared.withLock { s in defer { s.fresh.removeAll() }; return s.fresh }
        guard !fresh.isEmpty else { return (fresh, nil) }
        guard let outbox else { return (fresh, "\(fresh.count) receipt(s) could not be kept: the outbox could not be opened") }
        do { try outbox.add(fresh, sync: true) } catch {
            return (fresh, "\(fresh.count) receipt(s) could not be written to the outbox \(outbox.path): \(error)")
        }
        return (fresh, nil)
    }

    /// Older outbox entries this process did not make and does not know yet.
    private func unknownEntries(_ state: SenderState, besides batch: [Receipt]) -> [Receipt] {
        let known = state.knownIDs.union(batch.map(\.receiptID)).union(createdHere.withLock { $0 })
        return ((try? outbox?.pending()) ?? []).filter { !known.contains($0.receiptID) }
    }

    private func loop(earlier: [Receipt]) {
        let timings = settings.timings
        let topic = settings.receiptsTopic
        let layout = settings.layout
        let clock = ContinuousClock()
        var engine: DeliveryEngine?
        var state = SenderState(timings: timings)
        var lock = outbox.flatMap { SenderLock(outboxPath: $0.path) }
        var replay: [Receipt]? = earlier
        let started = clock.now
        var lastLockTry = clock.now
        var lastAdopt = clock.now
        while !worker.isStopping {
            if state.inflight.isEmpty {
                let untilRetry = state.nextRetry.map { clock.now.duration(to: $0) } ?? .seconds(1)
                _ = wake.wait(timeout: .now() + min(max(untilRetry, .milliseconds(5)), .seconds(1)).seconds)
            }
            if worker.isStopping { break }
            var (batch, problem) = journalFresh()
            if let problem, outbox != nil { events.push(.error("outbox: \(problem) — these receipts are kept in memory only")) }
            if lock == nil, let outbox, clock.now - lastLockTry > timings.lockRetry {
                lastLockTry = clock.now
                if let l = SenderLock(outboxPath: outbox.path) {
                    lock = l
                    // Replaces the replay list counted at start (not added to it twice).
                    let counted = replay?.count ?? 0
                    let found = unknownEntries(state, besides: batch)
                    replay = found
                    shared.withLock { $0.pending += found.count - counted }
                    if !found.isEmpty {
                        overlay.note(found)
                        events.push(.receipts(found))
                    }
                }
            }
            // While this inbox holds the sender lock, a command that could not deliver leaves its
            // receipts in the outbox: adopt them now and then instead of stranding them until quit.
            if lock != nil, replay == nil, outbox != nil, clock.now - lastAdopt > timings.adopt {
                lastAdopt = clock.now
                let stranded = unknownEntries(state, besides: batch)
                if !stranded.isEmpty {
                    replay = stranded
                    addPending(stranded)
                }
            }
            // Old entries go only after the receipts topic is read to its end: one delivered just
            // before a crash is found there (and dropped) instead of being sent again after
            // newer receipts. (A receipts topic that cannot be read at all ends catch-up too.)
            if lock != nil, let old = replay, caughtUpFlag.load(ordering: .acquiring) || clock.now - started > timings.replayDeadline {
                batch = stillPending(old) + batch
                replay = nil
            }
            batch += stillPending(state.dueRetries(now: clock.now))
            if engine == nil {
                do {
                    engine = try DeliveryEngine(settings: settings)
                    engine?.onRestart = { [events] why in events.push(.error("receipt producer restarted after: \(why)")) }
                } catch {
                    events.push(.error("cannot create the receipt producer: \(error)"))
                }
            }
            guard let engine else {
                state.retryLater(batch, now: clock.now)
                continue
            }
            for r in batch {
                let token = state.track(r)
                let key = ReceiptCodec.key(r, layout: layout)
                let message = OutgoingMessage(topic: topic, key: key, value: ReceiptCodec.encode(r))
                if let why = engine.produce(message, token: token) {
                    state.untrack(token)
                    state.retryLater([r], now: clock.now)
                    events.push(.error("receipt not queued: \(why); kept in the outbox, will retry"))
                }
            }
            let reports = state.inflight.isEmpty ? [] : engine.poll(timeoutMs: 100)
            let (delivered, failures) = state.take(reports, now: clock.now)
            if !delivered.isEmpty {
                do { try outbox?.markDone(delivered.map(\.receiptID)) } catch { events.push(.error("outbox: \(error)")) }
                setPending(-delivered.count)
            }
            if let (r, why) = failures.last {
                let wait = Int(state.backoff(for: r).seconds.rounded())
                events.push(.error("\(failures.count) receipt(s) not delivered: \(why); kept in the outbox, retrying in \(wait) s"))
            }
        }
    }
}
