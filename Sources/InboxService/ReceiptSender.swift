import InboxCore
import InboxEvents
import InboxSystem
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
///
/// When the journal cannot be written (the state directory full, read-only, missing), the
/// receipts are still produced, kept in memory only (`UnsavedReceipts`) until confirmed:
/// the UI is told once per cause (`.error`) and always how many are unsaved
/// (`.unsavedReceipts`); the journal is tried again now and then and takes them once it can.
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
    /// Receipts the journal could not take, and why (the sending thread, then `stop`).
    private let unsaved = Mutex(UnsavedReceipts())

    /// `outbox` nil: receipts are kept in memory only (the outbox could not be opened, for
    /// the reason `openFailure`, told to the UI at once).
    public init(settings: Settings, events: EventQueue, outbox: Outbox?, overlay: PendingOverlay,
                openFailure: StorageTrouble? = nil) {
        self.settings = settings
        self.events = events
        self.factory = ReceiptFactory(user: settings.user)
        self.outbox = outbox
        self.overlay = overlay
        if outbox == nil { keep([], because: openFailure ?? Self.noOutbox(settings)) }
    }

    private static func noOutbox(_ settings: Settings) -> StorageTrouble {
        StorageTrouble(SystemError(call: "open \(settings.outboxPath)", errno: ENOENT), directory: settings.state.directory)
    }

    /// Called once the receipts topic is read to its end: older entries are replayed after
    /// that, so the ones found there are not sent twice.
    public func receiptsCaughtUp() { caughtUpFlag.store(true, ordering: .releasing) }

    /// Called on the UI thread with the receipts of one action; returns at once (no I/O).
    public func enqueue(_ requests: [ReceiptRequest]) {
        let at = Timestamps.iso8601(ms: Timestamps.nowMs())  // one action, one time
        let receipts = requests.map { factory.receipt(for: $0, at: at) }
        guard !receipts.isEmpty else { return }
        createdHere.withLock { ids in
            ids.reserveCapacity(ids.count + receipts.count)
            for r in receipts { ids.insert(r.receiptID) }
        }
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

    /// Receipts not yet confirmed that are kept in memory only (the journal could not take them).
    public var unsavedCount: Int { unsaved.withLock { $0.count } }

    /// Why the journal cannot be written, if it cannot (as far as is known).
    public var trouble: StorageTrouble? { unsaved.withLock { $0.trouble } }

    /// Waits until nothing is pending (with `unsavedOnly`: nothing unsaved) or `timeout`
    /// passes; returns what is still pending.
    public func flush(timeout: Duration, unsavedOnly: Bool = false) -> Int {
        let deadline = DispatchTime.now() + timeout.seconds
        while unsavedOnly ? unsavedCount > 0 : pending > 0 {
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
    /// outbox then (what is in flight stays there for the next start). Returns, when some
    /// could still not be written, that they are lost (neither confirmed nor saved).
    @discardableResult
    public func stop() -> String? {
        worker.stop { wake.signal() }
        journalFresh(retry: true)
        let (count, trouble) = unsaved.withLock { ($0.count, $0.trouble) }
        guard count > 0, let trouble else { return nil }
        return trouble.lostMessage(count, brokers: settings.kafka.brokers)
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
        let kept = unsaved.withLock { u in receipts.filter { ids.contains($0.receiptID) || u.contains($0.receiptID) } }
        setPending(kept.count - receipts.count)
        return kept
    }

    /// Journals the receipts made on the UI thread since the last turn (one write, one
    /// fsync), after those an earlier failure kept in memory only (when there are fresh
    /// ones, or with `retry`); returns the fresh ones. What cannot be written is kept in
    /// memory only (and produced all the same). With each fresh receipt comes its encoding
    /// (journaled, and what the producer sends: a receipt is encoded once).
    @discardableResult
    private func journalFresh(retry: Bool = false) -> (receipts: [Receipt], values: [[UInt8]]) {
        let fresh = shared.withLock { s in defer { s.fresh.removeAll() }; return s.fresh }
        let values = fresh.map(ReceiptCodec.encode)
        let earlier = unsaved.withLock { u in retry || !fresh.isEmpty ? u.receipts : [] }
        guard !fresh.isEmpty || !earlier.isEmpty else { return (fresh, values) }
        guard let outbox else {  // not opened at start: nothing to retry
            if !fresh.isEmpty { keep(fresh, because: unsaved.withLock { $0.trouble } ?? Self.noOutbox(settings)) }
            return (fresh, values)
        }
        do { try outbox.add(earlier + fresh, values: earlier.map(ReceiptCodec.encode) + values, sync: true) } catch {
            keep(fresh, because: StorageTrouble(error, directory: settings.state.directory))
            return (fresh, values)
        }
        if unsaved.withLock({ $0.saved() }) {
            events.push(contentsOf: [.unsavedReceipts(0, why: nil), .notice("receipts are saved locally again (\(outbox.path))")])
        }
        return (fresh, values)
    }

    /// Keeps `receipts` in memory only; tells the UI the cause when it is new, and the count.
    private func keep(_ receipts: [Receipt], because trouble: StorageTrouble) {
        let (isNew, count) = unsaved.withLock { u in (u.keep(receipts, because: trouble), u.count) }
        // At once on the message line (over "1 marked read"), and kept there as the last error.
        if isNew { events.push(contentsOf: [.error(trouble.inboxMessage), .notice(trouble.inboxMessage)]) }
        events.push(.unsavedReceipts(count, why: trouble.inboxMessage))
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
        var lastJournalTry = clock.now
        while !worker.isStopping {
            if state.inflight.isEmpty {
                let untilRetry = state.nextRetry.map { clock.now.duration(to: $0) } ?? .seconds(1)
                _ = wake.wait(timeout: .now() + min(max(untilRetry, .milliseconds(5)), .seconds(1)).seconds)
            }
            if worker.isStopping { break }
            // Receipts kept in memory only go to the journal with the next fresh ones, or now and then.
            let retryJournal = clock.now - lastJournalTry > timings.journalRetry && unsavedCount > 0
            if retryJournal { lastJournalTry = clock.now }
            let (freshReceipts, freshValues) = journalFresh(retry: retryJournal)
            var batch = freshReceipts
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
            // The fresh receipts, encoded already, are the last of the batch but the retries.
            let freshStart = batch.count - freshValues.count
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
            state.reserve(batch.count)
            for (i, r) in batch.enumerated() {
                let token = state.track(r)
                let key = ReceiptCodec.key(r, layout: layout)
                let fresh = i - freshStart
                let value = fresh >= 0 && fresh < freshValues.count ? freshValues[fresh] : ReceiptCodec.encode(r)
                let message = OutgoingMessage(topic: topic, key: key, value: value)
                if let why = engine.produce(message, token: token) {
                    state.untrack(token)
                    state.retryLater([r], now: clock.now)
                    events.push(.error("receipt not queued: \(why); \(keptWhere(r)), will retry"))
                }
            }
            let reports = state.inflight.isEmpty ? [] : engine.poll(timeoutMs: 100)
            let (delivered, failures) = state.take(reports, now: clock.now)
            if !delivered.isEmpty {
                let (journaled, left, trouble) = unsaved.withLock { u in (u.delivered(delivered.map(\.receiptID)), u.count, u.trouble) }
                if journaled.count < delivered.count { events.push(.unsavedReceipts(left, why: trouble?.inboxMessage)) }
                do { try outbox?.markDone(journaled) } catch {
                    keep([], because: StorageTrouble(error, directory: settings.state.directory))
                }
                setPending(-delivered.count)
            }
            if let (r, why) = failures.last {
                let wait = Int(state.backoff(for: r).seconds.rounded())
                events.push(.error("\(failures.count) receipt(s) not delivered: \(why); \(keptWhere(r)), retrying in \(wait) s"))
            }
        }
    }

    /// Where a receipt waiting for a retry is kept, in words.
    private func keptWhere(_ r: Receipt) -> String {
        unsaved.withLock { $0.contains(r.receiptID) } ? "kept in memory only (not saved locally)" : "kept in the outbox"
    }
}
