import Foundation
import InboxCore
import InboxTUI
import KafkaKit
import Synchronization

/// Produces the TUI's receipts on its own thread (the UI never blocks on Kafka), from the
/// durable `Outbox`: a receipt is written to the outbox on the UI thread before anything
/// else, fsync'd here before it is produced, and marked done only by its delivery report.
/// Failed receipts are retried with backoff (errors shown in words), a fatal producer is
/// recreated, and older entries from earlier runs are replayed once this process holds
/// the `SenderLock`. Reports how many receipts are pending.
final class ReceiptSender: Sendable {
    private struct Shared {
        var incoming: [Receipt] = []
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
    /// Set by the consumer once the receipts topic is read to its end (older entries are
    /// replayed after that, so the ones found there are not sent twice).
    let caughtUp = Atomic<Bool>(false)
    /// Ids of the receipts this process made: the outbox's other entries (earlier runs, or a
    /// command that could not deliver while this inbox held the sender lock) are adopted.
    private let createdHere = Mutex<Set<String>>([])

    /// `outbox` nil: receipts are kept in memory only (the outbox could not be opened).
    init(settings: Settings, events: EventQueue, outbox: Outbox?, overlay: PendingOverlay) {
        self.settings = settings
        self.events = events
        self.factory = ReceiptFactory(user: settings.user)
        self.outbox = outbox
        self.overlay = overlay
    }

    /// Called on the UI thread: writes the receipts to the outbox, then queues them.
    func enqueue(_ requests: [ReceiptRequest]) {
        let receipts = requests.map { factory.receipt($0.type, id: $0.notificationID, kind: $0.kind.rawValue, source: $0.source) }
        guard !receipts.isEmpty else { return }
        createdHere.withLock { $0.formUnion(receipts.map(\.receiptID)) }
        do { try outbox?.add(receipts, sync: false) } catch {
            events.push(.error("outbox: \(error) — these receipts are kept in memory only"))
        }
        overlay.note(receipts)
        add(receipts, countAsNew: true)
    }

    private func add(_ receipts: [Receipt], countAsNew: Bool) {
        guard !receipts.isEmpty else { return }
        let count = shared.withLock { s in
            s.incoming += receipts
            if countAsNew { s.pending += receipts.count }
            return s.pending
        }
        events.push(.pendingReceipts(count))
        wake.signal()
    }

    /// Receipts not yet confirmed.
    var pending: Int { shared.withLock { $0.pending } }

    /// Waits until nothing is pending or `seconds` pass; returns what is still pending.
    func flush(seconds: Double) -> Int {
        let deadline = DispatchTime.now() + seconds
        while pending > 0 {
            if progress.wait(timeout: deadline) == .timedOut { break }
        }
        return pending
    }

    /// Starts the sending thread; `earlier` are the outbox's entries from earlier runs
    /// (already applied to the view by the caller).
    func start(earlier: [Receipt]) {
        shared.withLock { $0.pending += earlier.count }
        if !earlier.isEmpty { events.push(.pendingReceipts(pending)) }
        let thread = Thread { [self] in self.loop(earlier: earlier) }
        thread.name = "receipt-sender"
        thread.start()
    }

    private func setPending(_ change: Int) {
        guard change != 0 else { return }
        let count = shared.withLock { s in s.pending = max(0, s.pending + change); return s.pending }
        events.push(.pendingReceipts(count))
        progress.signal()
    }

    private func makeProducer() -> KafkaProducer? {
        do { return try Publisher.makeProducer(settings: settings) } catch {
            events.push(.error("cannot create the receipt producer: \(error)"))
            return nil
        }
    }

    /// Drops receipts that the outbox no longer holds as pending (delivered by another
    /// process, found on the receipts topic, or superseded by a newer receipt).
    private func stillPending(_ receipts: [Receipt]) -> [Receipt] {
        guard let outbox, !receipts.isEmpty, let ids = try? Set(outbox.pending().map(\.receiptID)) else { return receipts }
        let kept = receipts.filter { ids.contains($0.receiptID) }
        setPending(kept.count - receipts.count)
        return kept
    }

    private func loop(earlier: [Receipt]) {
        var producer = makeProducer()
        var state = SenderState()
        var lock = outbox.flatMap { SenderLock(outboxPath: $0.path) }
        var replay: [Receipt]? = earlier
        let started = Date()
        var lastLockTry = Date()
        var lastAdopt = Date()
        while true {
            if state.inflight.isEmpty {
                _ = wake.wait(timeout: .now() + min(max(state.nextRetry.timeIntervalSinceNow, 0.05), 1))
            }
            var batch = shared.withLock { s in defer { s.incoming.removeAll() }; return s.incoming }
            if lock == nil, let outbox, Date().timeIntervalSince(lastLockTry) > 5 {
                lastLockTry = Date()
                if let l = SenderLock(outboxPath: outbox.path) {
                    lock = l
                    let known = state.knownIDs.union(batch.map(\.receiptID)).union(createdHere.withLock { $0 })
                    // Replaces the replay list counted at start (not added to it twice).
                    let counted = replay?.count ?? 0
                    replay = ((try? outbox.pending()) ?? []).filter { !known.contains($0.receiptID) }
                    let delta = (replay?.count ?? 0) - counted
                    shared.withLock { $0.pending += delta }
                    if let r = replay, !r.isEmpty {
                        overlay.note(r)
                        events.push(.receipts(r))
                    }
                }
            }
            // While this inbox holds the sender lock, a command that could not deliver leaves its
            // receipts in the outbox: adopt them (every 10 s) instead of stranding them until quit.
            if lock != nil, replay == nil, let outbox, Date().timeIntervalSince(lastAdopt) > 10 {
                lastAdopt = Date()
                let known = state.knownIDs.union(batch.map(\.receiptID)).union(createdHere.withLock { $0 })
                let stranded = ((try? outbox.pending()) ?? []).filter { !known.contains($0.receiptID) }
                if !stranded.isEmpty {
                    replay = stranded
                    let count = shared.withLock { s in s.pending += stranded.count; return s.pending }
                    overlay.note(stranded)
                    events.push(contentsOf: [.receipts(stranded), .pendingReceipts(count)])
                }
            }
            // Old entries go only after the receipts topic is read to its end: one delivered just
            // before a crash is found there (and dropped) instead of being sent again after
            // newer receipts. (A receipts topic that cannot be read at all ends catch-up too.)
            if lock != nil, let old = replay, caughtUp.load(ordering: .acquiring) || Date().timeIntervalSince(started) > 600 {
                batch = stillPending(old) + batch
                replay = nil
            }
            batch += stillPending(state.dueRetries())
            guard let p = producer else {
                state.retryLater(batch, error: "no producer")
                producer = makeProducer()
                continue
            }
            if !batch.isEmpty, let outbox {
                do { try outbox.sync() } catch { events.push(.error("outbox: \(error)")) }
            }
            for r in batch {
                do {
                    try p.produce(topic: settings.receiptsTopic, key: ReceiptCodec.key(r), value: ReceiptCodec.encode(r),
                                  token: state.track(r), reports: &state.reports)
                } catch {
                    state.untrackLast()
                    state.retryLater([r], error: "\(error)")
                    events.push(.error("receipt not queued: \(error); kept in the outbox, will retry"))
                }
            }
            if !state.inflight.isEmpty { state.reports += p.poll(timeoutMs: 100) }
            let (delivered, failures) = state.takeReports()
            if !delivered.isEmpty {
                do { try outbox?.markDone(delivered.map(\.receiptID)) } catch { events.push(.error("outbox: \(error)")) }
                setPending(-delivered.count)
            }
            if let (r, why) = failures.last {
                let wait = Int(state.backoff(for: r).rounded())
                events.push(.error("\(failures.count) receipt(s) not delivered: \(why); kept in the outbox, retrying in \(wait) s"))
            }
            if let fatal = p.fatal {
                // librdkafka 2.0.2 can raise a fatal idempotence error: start over and replay
                // (same receipt ids, so no second state change for consumers).
                events.push(.error("receipt producer restarted after: \(fatal.reason)"))
                state.requeueInflight()
                producer = makeProducer()
            }
        }
    }
}
