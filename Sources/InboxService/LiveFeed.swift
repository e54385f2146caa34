import Foundation
import InboxCore
import InboxEvents
import InboxFeed
import InboxSystem
import KafkaKit

/// The consumer thread of the interactive inbox: catches up on the user's topics and
/// receipts, then follows them, pushing decoded batches to the UI's event queue.
/// An unreachable broker is a status that it keeps retrying, never a crash.
public final class LiveFeed: @unchecked Sendable {
    private let settings: Settings
    private let kinds: [Kind]?
    private let events: EventQueue
    private let outbox: Outbox?
    private let overlay: PendingOverlay
    private let snapshot: SnapshotKeeper?
    private let worker = Worker(name: "inbox-consumer")
    /// Called on the consumer thread once the first catch-up is complete.
    public var onCaughtUp: @Sendable () -> Void = {}
    /// Called on the consumer thread after each read, before its events are pushed
    /// (diagnostics: the benchmark's per-stage latency).
    public var afterStep: (@Sendable (ReadBatch, InboxReader) -> Void)?
    /// Rows of each partition read before its history (`InboxReader.tailFirst`; 0: in log
    /// order). Set before `start`.
    public var tailFirst = InboxReaderTuning.tailFirstRows

    /// Receipts read pass through `overlay` (the user's pending ones stay on top); ours
    /// found on the topic are marked done in `outbox`. `snapshot`: the local snapshot the
    /// inbox was started from and keeps up to date (nil: off).
    public init(settings: Settings, kinds: [Kind]?, events: EventQueue, outbox: Outbox? = nil,
                overlay: PendingOverlay = PendingOverlay(), snapshot: SnapshotKeeper? = nil) {
        self.settings = settings
        self.kinds = kinds
        self.events = events
        self.outbox = outbox
        self.overlay = overlay
        self.snapshot = snapshot
    }

    /// Starts the thread.
    public func start() { worker.start { [self] in self.run() } }

    /// Stops the thread and waits up to `timeout` for it (it wakes at least every half
    /// second, unless inside a metadata request); with `wait` false only asks it to stop.
    public func stop(wait: Bool = true, timeout: Duration = .seconds(15)) { worker.stop(timeout: wait ? timeout : .zero) }

    private var stopping: Bool { worker.isStopping }

    /// Starts the reader, retrying while the cluster does not answer.
    private func startReader() -> InboxReader? {
        let address = settings.kafka.brokers
        events.push(.connection(.connecting(address)))
        while !stopping {
            // A refused connection is known at once: say so now, not after the timeout.
            if TCPProbe.probe(address) == .refused {
                events.push(contentsOf: [.connection(.unreachable(address)), .hint(refusedHint)])
                pause(settings.timings.reconnect)
                continue
            }
            do {
                let reader = try settings.startReader(kinds: kinds) {
                    $0.tailFirst = self.tailFirst
                    self.snapshot?.prepare($0, resumeReceipts: self.overlay.count == 0)
                }
                if let snapshot, snapshot.started(reader) == .rejected {
                    // The snapshot shown does not match Kafka: start over, pending receipts of ours on top.
                    var reset: [InboxEvent] = [.resetInbox]
                    let pending = overlay.all
                    if !pending.isEmpty { reset.append(.receipts(pending)) }
                    snapshot.willPush()
                    let seq = events.push(contentsOf: reset)
                    snapshot.record(seq: seq, reader, drained: events.drainedCount)
                }
                return reader
            } catch {
                if case .unreachable = error { events.push(.connection(.unreachable(address))) }
                events.push(.error(error.message))
                pause(settings.timings.reconnect)
            }
        }
        return nil
    }

    /// Waits `duration`, or less if asked to stop.
    private func pause(_ duration: Duration) {
        var waited = Duration.zero
        while waited < duration && !stopping {
            Thread.sleep(forTimeInterval: 0.05)
            waited += .milliseconds(50)
        }
    }

    /// What to do when nothing listens at the bootstrap addresses.
    private var refusedHint: String {
        "Connection refused at \(settings.kafka.brokers): no Kafka broker is listening there (retrying). "
            + "Point kafka-inbox at yours with --brokers HOST:PORT, KAFKA_INBOX_BROKERS or brokers = in "
            + "~/.config/kafka-inbox/config.toml."
            + (settings.isUnconfigured ? " Nothing is configured yet: to see it work at once, run `kafka-inbox demo`." : "")
    }

    /// What to do when none of the user's notification topics exists.
    private func missingTopicsHint(_ reader: InboxReader) -> String? {
        let expected = settings.notificationTopics(kinds: kinds)
        guard !expected.isEmpty, Set(reader.missingTopics) == Set(expected), settings.layout.patterns.isEmpty else { return nil }
        return "No topics for user \(settings.user) on this cluster (looked for \(expected.joined(separator: ", "))). "
            + "Is the user right? Set it with --user NAME, KAFKA_INBOX_USER or user = in the config file; "
            + "topic names come from [topics] notifications (now '\(settings.layout.notificationTemplate)'). "
            + "New topics are picked up when they appear."
    }

    private func run() {
        let address = settings.kafka.brokers
        guard let reader = startReader() else { return }
        defer { reader.close() }
        events.push(contentsOf: [.connection(.up(address)), .hint(missingTopicsHint(reader))])
        for t in reader.missingTopics { KafkaLog.write("note: topic \(t) does not exist (yet)") }
        var reportedCaughtUp = false
        // Set at the end of catch-up: once the UI thread has taken every batch, the free
        // memory left inside the heaps goes back to the system (here, not on the UI thread).
        var trimWhenDrained = false
        var down = false
        var health = BrokerHealth(probeEvery: settings.timings.probe)
        func connection() -> InboxEvent {
            health.summary.map { .connection(.degraded(address, note: $0)) } ?? .connection(.up(address))
        }
        let clock = ContinuousClock()
        var lastProbe = clock.now
        while !stopping {
            events.waitForRoom { self.stopping }
            if trimWhenDrained && events.queuedItems == 0 {
                trimWhenDrained = false
                Allocator.giveBackFreeMemory()
            }
            let batch = reader.step(timeoutMs: trimWhenDrained ? 20 : 500)
            afterStep?(batch, reader)
            var out: [InboxEvent] = []
            if !batch.notifications.isEmpty { out.append(.notifications(batch.notifications)) }
            if !batch.receipts.isEmpty {
                let (receipts, confirmed) = overlay.filter(batch.receipts)
                out.append(.receipts(receipts))
                if !confirmed.isEmpty { try? outbox?.markDone(confirmed) }
            }
            if batch.badReceipts > 0 { out.append(.error("\(batch.badReceipts) malformed receipt(s) skipped")) }
            var healthChanged = false
            var silent: [String] = []
            for c in batch.conditions {
                if case .leaderSilent(let tp) = c {
                    silent.append("\(tp.topic)/\(tp.partition)")
                    continue
                }
                if c.isUnreachable {
                    if !down { out.append(.connection(.unreachable(address))) }
                    down = true
                } else if case .brokerUnreachable = c {
                    if let change = health.note(c) { KafkaLog.write(change.description); healthChanged = true }
                } else {
                    out.append(.error(c.description))
                }
            }
            if !silent.isEmpty {
                // One line for them all, not one per partition.
                let text = "\(silent.count) partition(s) not waited for: their leader does not answer; read when it does"
                KafkaLog.write(text + " (\(silent.joined(separator: ", ")))")
                out.append(.error(text))
            }
            for change in health.recheck() { KafkaLog.write(change.description); healthChanged = true }
            if down && (batch.hasMessages || brokerAnswers(reader, &lastProbe)) {
                down = false
                healthChanged = true
            }
            if healthChanged && !down { out.append(connection()) }
            if !reportedCaughtUp {
                let done = reader.caughtUp
                out.append(.catchUp(loaded: Int(reader.catchUpRead), total: Int(reader.catchUpTotal), done: done))
                reportedCaughtUp = done
                if done {
                    onCaughtUp()
                    trimWhenDrained = true
                }
            }
            if !out.isEmpty {
                snapshot?.willPush()
                let seq = events.push(contentsOf: out)
                snapshot?.record(seq: seq, reader, drained: events.drainedCount)
            }
        }
    }

    /// While the broker is marked unreachable: asks it for metadata now and then, so the
    /// status returns to "connected" even when no message arrives.
    private func brokerAnswers(_ reader: InboxReader, _ lastProbe: inout ContinuousClock.Instant) -> Bool {
        guard ContinuousClock.now - lastProbe >= settings.timings.probe else { return false }
        lastProbe = .now
        return (try? reader.consumer.client.topics(only: settings.receiptsTopic, timeoutMs: 2000)) != nil
    }
}
