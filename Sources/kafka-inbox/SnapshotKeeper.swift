import Foundation
import InboxCore
import InboxFeed
import InboxTUI
import KafkaKit
import Synchronization

/// The interactive inbox's local snapshot (fast restart, issue 4 item 5).
///
/// - At start (`load`), the snapshot pre-fills the model; the consumer thread checks it
///   against the cluster when the reader starts (`prepare`, `started`) and, if it does not
///   match, resets the inbox through the event queue and reads everything.
/// - The consumer thread records its positions after each push (`record`), against the
///   queue's event count; the UI thread writes the snapshot of the inbox it shows with the
///   latest positions whose events it has drained, so contents and offsets always agree.
/// - `tick` (UI thread, before each wait) hands a copy of the inbox (copy-on-write: cheap)
///   to a writer thread at most every `interval`, when positions moved; `finish` writes at quit.
final class SnapshotKeeper: @unchecked Sendable {
    let store: SnapshotStore
    private let settings: Settings
    private let events: EventQueue
    static let interval: Duration = .seconds(60)

    private struct Mark {
        var seq: UInt64
        var positions: [TopicPartition: Int64]
        var lows: [TopicPartition: Int64]
    }

    /// Consumer thread → UI thread.
    private let shared = Mutex<(marks: [Mark], clusterID: String?)>(([], nil))
    /// Consumer thread only.
    private var resume: SnapshotResume?
    private var restoredCount = 0
    /// UI thread only.
    private var lastWritten: [TopicPartition: Int64] = [:]
    private var lastTick = ContinuousClock.now
    private let writer = DispatchQueue(label: "kafka-inbox.snapshot")
    private let busy = Atomic<Bool>(false)

    init(settings: Settings, events: EventQueue) {
        self.settings = settings
        self.events = events
        store = SnapshotStore(user: settings.user, bootstrap: settings.kafka.brokers)
    }

    /// Reads the snapshot (before the UI starts). Returns the inbox to show first; problems
    /// are pushed as an error event.
    func load() -> Inbox {
        switch store.load() {
        case .none:
            return Inbox()
        case .unusable(let why):
            events.push(.error("snapshot unusable (\(why)): rebuilding from Kafka"))
            KafkaLog.write("snapshot \(store.path) is unusable: \(why); rebuilding from Kafka")
            return Inbox()
        case .snapshot(let snapshot, let bytes, let seconds):
            if let why = SnapshotResume.mismatch(snapshot.header, settings: settings) {
                events.push(.error("snapshot does not apply (\(why)): rebuilding from Kafka"))
                return Inbox()
            }
            KafkaLog.write("snapshot \(store.path): \(snapshot.inbox.count) notifications, \(bytes) bytes, read in \(SnapshotSession.ms(seconds)) ms")
            resume = SnapshotResume(header: snapshot.header, resumeReceipts: true)
            restoredCount = snapshot.inbox.count
            lastWritten = SnapshotResume.positions(snapshot.header)
            return snapshot.inbox
        }
    }

    /// Consumer thread, before `reader.start()`: the reader checks the snapshot when it starts.
    /// `resumeReceipts` is false while receipts of ours from earlier runs are pending.
    func prepare(_ reader: InboxReader, resumeReceipts: Bool) {
        guard let old = resume else { return }
        let check = SnapshotResume(header: old.header, resumeReceipts: resumeReceipts)
        resume = check
        let settings = self.settings
        reader.verifyResume = { topics, client in check.verify(topics: topics, client: client, settings: settings) }
    }

    /// Consumer thread, after `reader.start()`: if the snapshot shown does not match Kafka,
    /// the inbox is reset (pending receipts of ours re-applied); records the start positions.
    func started(_ reader: InboxReader, overlay: PendingOverlay) {
        var seq: UInt64 = 0
        var clusterID: String?
        if let resume {
            switch resume.outcome {
            case .resumed(let notes):
                clusterID = resume.clusterID
                KafkaLog.write("resumed from snapshot: \(restoredCount) notifications; \(reader.catchUpTotal) new messages to read")
                for n in notes { KafkaLog.write("snapshot: \(n)") }
            case .rejected, .pending:
                var why = "not checked"
                if case .rejected(let w) = resume.outcome { why = w }
                KafkaLog.write("snapshot \(store.path) does not match Kafka: \(why); rebuilding from Kafka")
                var reset: [InboxEvent] = [.resetInbox]
                let pending = overlay.all
                if !pending.isEmpty { reset.append(.receipts(pending)) }
                reset.append(.error("snapshot does not match Kafka (\(why)): rebuilding from Kafka"))
                seq = events.push(contentsOf: reset)
            }
            self.resume = nil
        }
        if clusterID == nil { clusterID = reader.consumer.client.clusterID(timeoutMs: min(settings.timeoutMs, 5000)) }
        shared.withLock { $0.clusterID = clusterID }
        record(seq: seq, reader)
    }

    /// Consumer thread: the reader's positions once the events up to `seq` are drained.
    func record(seq: UInt64, _ reader: InboxReader) {
        let mark = Mark(seq: seq, positions: reader.positions, lows: reader.lowWatermarks)
        let drained = events.drainedCount
        shared.withLock { state in
            // Keep the newest mark already drained, and those not yet drained.
            if let i = state.marks.lastIndex(where: { $0.seq <= drained }), i > 0 { state.marks.removeFirst(i) }
            state.marks.append(mark)
        }
    }

    /// The newest positions whose events the UI has applied.
    private func mark(drained: UInt64) -> (Mark, String?)? {
        shared.withLock { state in
            guard let i = state.marks.lastIndex(where: { $0.seq <= drained }) else { return nil }
            if i > 0 { state.marks.removeFirst(i) }
            return (state.marks[0], state.clusterID)
        }
    }

    /// UI thread, before each wait: now and then, writes the snapshot on the writer thread.
    func tick(_ model: InboxModel) {
        let now = ContinuousClock.now
        guard now - lastTick >= Self.interval else { return }
        lastTick = now
        guard !busy.load(ordering: .acquiring), let (mark, clusterID) = mark(drained: events.drainedCount),
              mark.positions != lastWritten else { return }
        lastWritten = mark.positions
        busy.store(true, ordering: .releasing)
        let inbox = model.inbox
        let header = SnapshotResume.header(settings: settings, clusterID: clusterID, positions: mark.positions, lows: mark.lows)
        let store = self.store
        let events = self.events
        writer.async { [self] in
            do { try store.save(header, inbox: inbox) } catch {
                events.push(.error("cannot write the snapshot: \(error)"))
            }
            self.busy.store(false, ordering: .releasing)
        }
    }

    /// At quit (UI stopped): waits for a write in flight, then writes if positions moved.
    /// Returns a problem to report, if any.
    func finish(_ inbox: Inbox) -> String? {
        writer.sync {}
        guard let (mark, clusterID) = mark(drained: events.drainedCount), mark.positions != lastWritten else { return nil }
        let header = SnapshotResume.header(settings: settings, clusterID: clusterID, positions: mark.positions, lows: mark.lows)
        do {
            try store.save(header, inbox: inbox)
            lastWritten = mark.positions
            return nil
        } catch {
            return "cannot write the snapshot: \(error)"
        }
    }
}
