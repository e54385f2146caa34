import Foundation
import InboxCore
import InboxFeed
import InboxTUI
import KafkaKit

/// The consumer thread of the interactive inbox: catches up on the user's topics and
/// receipts, then follows them, pushing decoded batches to the UI's event queue.
/// An unreachable broker is a status that it keeps retrying, never a crash.
final class LiveFeed: @unchecked Sendable {
    private let settings: Settings
    private let kinds: [Kind]?
    private let events: EventQueue
    private let outbox: Outbox?
    private let overlay: PendingOverlay
    private let onCaughtUp: @Sendable () -> Void
    /// The local snapshot shown at start and kept up to date (nil: off). See SnapshotKeeper.swift.
    private let snapshot: SnapshotKeeper?

    /// Receipts read pass through `overlay` (the user's pending ones stay on top); ours
    /// found on the topic are marked done in `outbox`.
    init(settings: Settings, kinds: [Kind]?, events: EventQueue, outbox: Outbox? = nil,
         overlay: PendingOverlay = PendingOverlay(), snapshot: SnapshotKeeper? = nil,
         onCaughtUp: @escaping @Sendable () -> Void = {}) {
        self.settings = settings
        self.kinds = kinds
        self.events = events
        self.outbox = outbox
        self.overlay = overlay
        self.onCaughtUp = onCaughtUp
        self.snapshot = snapshot
    }

    /// Starts the thread.
    func start() {
        let thread = Thread { [self] in
            // The kernel's thread name, as `top -H` shows it.
            try? "inbox-consumer".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            self.loop()
        }
        thread.name = "inbox-consumer"
        thread.start()
    }

    private func loop() {
        let address = settings.kafka.brokers
        events.push(.connection(.connecting(address)))
        var reader: InboxReader?
        while reader == nil {
            do {
                let r = try settings.startReader(kinds: kinds) {
                    $0.packsNotifications = true  // straight into the inbox's packed form
                    self.snapshot?.prepare($0, resumeReceipts: self.overlay.count == 0)  // snapshot
                }
                snapshot?.started(r, overlay: overlay)  // snapshot: resets the inbox if it did not match
                reader = r
            } catch let failure as CommandFailure {
                events.push(.connection(.unreachable(address)))
                events.push(.error(failure.message))
                Thread.sleep(forTimeInterval: 3)
            } catch {
                events.push(.error("\(error)"))
                Thread.sleep(forTimeInterval: 3)
            }
        }
        guard let reader else { return }
        events.push(.connection(.up(address)))
        for t in reader.missingTopics { KafkaLog.write("note: topic \(t) does not exist (yet)") }
        var reportedCaughtUp = false
        var down = false
        var lastProbe = ContinuousClock.now
        while true {
            events.waitForRoom(limit: EventQueue.backlogLimit)
            let batch = reader.step(timeoutMs: 500)
            var out: [InboxEvent] = []
            if !batch.notifications.isEmpty { out.append(.notifications(batch.notifications)) }
            if !batch.packed.isEmpty { out.append(.packed(batch.packed)) }
            if !batch.receipts.isEmpty {
                let (receipts, confirmed) = overlay.filter(batch.receipts)
                out.append(.receipts(receipts))
                if !confirmed.isEmpty { try? outbox?.markDone(confirmed) }
            }
            if batch.badReceipts > 0 { out.append(.error("\(batch.badReceipts) malformed receipt(s) skipped")) }
            for e in batch.errors {
                if e.hasPrefix("broker unreachable") {
                    if !down { out.append(.connection(.unreachable(address))) }
                    down = true
                } else {
                    out.append(.error(e))
                }
            }
            if down && (!batch.notifications.isEmpty || !batch.packed.isEmpty || !batch.receipts.isEmpty || brokerAnswers(reader, &lastProbe)) {
                down = false
                out.append(.connection(.up(address)))
            }
            if !reportedCaughtUp {
                let done = reader.caughtUp
                out.append(.catchUp(loaded: Int(reader.catchUpRead), total: Int(reader.catchUpTotal), done: done))
                reportedCaughtUp = done
                if done { onCaughtUp() }
            }
            if !out.isEmpty {
                let seq = events.push(contentsOf: out)
                snapshot?.record(seq: seq, reader)  // snapshot
            }
        }
    }

    /// While the broker is marked unreachable: asks it for metadata at most every 3 s, so
    /// the status returns to "connected" even when no message arrives.
    private func brokerAnswers(_ reader: InboxReader, _ lastProbe: inout ContinuousClock.Instant) -> Bool {
        guard ContinuousClock.now - lastProbe >= .seconds(3) else { return false }
        lastProbe = .now
        return (try? reader.consumer.client.topics(only: settings.receiptsTopic, timeoutMs: 2000)) != nil
    }
}
