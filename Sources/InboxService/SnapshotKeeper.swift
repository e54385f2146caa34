import Foundation
import InboxCore
import InboxEvents
import InboxFeed
import InboxSystem
import KafkaKit
import Synchronization

/// The local snapshot's whole lifecycle, for the commands (`list`, `count`) and the inbox
/// alike, reporting through `sink`:
///
/// 1. `load()` reads it before the reader starts and returns the inbox to show first;
/// 2. `prepare(reader)` has the reader check it against the cluster when it starts;
/// 3. `started(reader)` says whether it passed (if not, the caller starts from empty);
/// 4. writes: `finish(reader:inbox:)` once, after a command read to the end; or, in the inbox,
///    `record` (consumer thread, positions after each push), `tick` (UI thread, now and
///    then, on a writer thread) and `finish(drained:)` at quit. The inbox's writes use the
///    latest positions whose events the UI has drained, so contents and offsets agree.
public final class SnapshotKeeper: @unchecked Sendable {
    /// The file.
    public let store: SnapshotStore
    private let settings: Settings
    private let sink: @Sendable (SnapshotReport) -> Void

    private struct Mark {
        var seq: UInt64
        var positions: [TopicPartition: Int64]
        var lows: [TopicPartition: Int64]
    }

    /// Consumer thread → UI thread.
    private let shared = Mutex<(marks: [Mark], clusterID: String?)>(([], nil))
    /// Set by the consumer thread between pushing events and recording their mark, so that
    /// `finish` does not miss the mark of events the UI has already drained.
    private let pushing = Atomic<Bool>(false)
    /// Thread that starts the reader only.
    private var resume: SnapshotResume?
    private var restoredCount = 0
    /// UI thread only (or the command's one thread).
    private var lastWritten: [TopicPartition: Int64] = [:]
    private var lastTick = ContinuousClock.now
    private let writer = DispatchQueue(label: "kafka-inbox.snapshot")
    private let busy = Atomic<Bool>(false)
    /// The errno of the last write that failed, reported once (nil: the last write worked).
    private let failed = Mutex<Int32?>(nil)

    /// The snapshot of `settings`' user and cluster.
    public init(settings: Settings, sink: @escaping @Sendable (SnapshotReport) -> Void) {
        self.settings = settings
        self.sink = sink
        store = SnapshotStore(path: settings.snapshotPath)
    }

    /// Reads the snapshot. Returns the inbox to show first (empty when there is none).
    public func load() -> Inbox {
        switch store.load() {
        case .none:
            sink(.none(path: store.path))
            return Inbox()
        case .unusable(let why):
            sink(.unusable(path: store.path, why: why))
            return Inbox()
        case .snapshot(let snapshot, let bytes, let seconds):
            if let why = SnapshotResume.mismatch(snapshot.header, settings: settings) {
                sink(.doesNotApply(path: store.path, why: why))
                return Inbox()
            }
            sink(.loaded(path: store.path, notifications: snapshot.inbox.count, bytes: bytes, ms: Int((seconds * 1000).rounded())))
            resume = SnapshotResume(header: snapshot.header, resumeReceipts: true)
            restoredCount = snapshot.inbox.count
            lastWritten = SnapshotResume.positions(snapshot.header)
            return snapshot.inbox
        }
    }

    /// Before `reader.start()`: the reader checks the snapshot when it starts.
    /// `resumeReceipts` is false while receipts of ours are pending in the outbox (those
    /// must be looked for on the whole receipts topic).
    public func prepare(_ reader: InboxReader, resumeReceipts: Bool) {
        guard let old = resume else { return }
        let check = SnapshotResume(header: old.header, resumeReceipts: resumeReceipts)
        resume = check
        let settings = self.settings
        reader.verifyResume = { topics, client in check.verify(topics: topics, client: client, settings: settings) }
    }

    /// What the check against the cluster decided.
    public enum Start: Sendable, Equatable {
        /// No snapshot was loaded.
        case none
        /// The snapshot loaded passed: reading goes on from its positions.
        case resumed
        /// The snapshot loaded does not match the cluster: everything is read again.
        case rejected
    }

    /// After `reader.start()`: what became of the snapshot loaded. Records the start positions.
    @discardableResult
    public func started(_ reader: InboxReader) -> Start {
        var start = Start.none
        var clusterID: String?
        if let resume {
            if case .resumed(let notes) = resume.outcome {
                start = .resumed
                clusterID = resume.clusterID
                sink(.resumed(notifications: restoredCount, newMessages: reader.catchUpTotal, notes: notes))
            } else {
                var why = "not checked"
                if case .rejected(let w) = resume.outcome { why = w }
                sink(.rejected(path: store.path, why: why))
                lastWritten = [:]
                start = .rejected
            }
            self.resume = nil
        }
        if clusterID == nil { clusterID = reader.consumer.client.clusterID(timeoutMs: min(settings.timeoutMs, 5000)) }
        shared.withLock { $0.clusterID = clusterID }
        return start
    }

    /// A command read to the end: writes the snapshot if anything moved, as `writing` says.
    /// In the background, the inbox is a copy-on-write value: the command goes on with it meanwhile.
    public func finish(reader: InboxReader, inbox: Inbox, writing: SnapshotWriting = .now) {
        let resumed = !lastWritten.isEmpty
        if !resumed { sink(.readAll(messages: reader.catchUpRead)) }
        let positions = reader.positions
        guard !resumed || positions != lastWritten else { return }
        if writing == .whenBehind, resumed, reader.catchUpRead < Self.rewriteAfter(restoredCount) {
            sink(.kept(newMessages: reader.catchUpRead, rewriteAt: Self.rewriteAfter(restoredCount)))
            return
        }
        lastWritten = positions
        let clusterID = shared.withLock { $0.clusterID }
        let mark = Mark(seq: 0, positions: positions, lows: reader.lowWatermarks)
        if writing == .inBackground {
            writer.async { [self] in self.write(mark, clusterID: clusterID, inbox: inbox) }
        } else {
            write(mark, clusterID: clusterID, inbox: inbox)
        }
    }

    /// How many new messages make a snapshot of `held` notifications worth rewriting
    /// (`SnapshotWriting.whenBehind`): a thirty-second of what it holds, at least 1,024.
    public static func rewriteAfter(_ held: Int) -> Int64 { Int64(max(1024, held / 32)) }

    /// Waits until the writes handed to the writer thread are done (a process must not
    /// end in the middle of one: its temporary file would stay behind).
    public func waitForWrites() { writer.sync {} }

    /// Consumer thread: events are about to be pushed; `record` follows.
    public func willPush() { pushing.store(true, ordering: .releasing) }

    /// Consumer thread: the reader's positions once the events up to `seq` are drained.
    public func record(seq: UInt64, _ reader: InboxReader, drained: UInt64) {
        defer { pushing.store(false, ordering: .releasing) }
        let mark = Mark(seq: seq, positions: reader.positions, lows: reader.lowWatermarks)
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

    /// UI thread, before each wait: at most every `timings.snapshot`, when positions moved,
    /// hands a copy of the inbox (copy-on-write: cheap) to the writer thread.
    public func tick(_ inbox: Inbox, drained: UInt64) {
        let now = ContinuousClock.now
        guard now - lastTick >= settings.timings.snapshot else { return }
        lastTick = now
        guard !busy.load(ordering: .acquiring), let (mark, clusterID) = mark(drained: drained),
              mark.positions != lastWritten else { return }
        lastWritten = mark.positions
        busy.store(true, ordering: .releasing)
        writer.async { [self] in
            self.write(mark, clusterID: clusterID, inbox: inbox)
            self.busy.store(false, ordering: .releasing)
        }
    }

    /// At quit (UI stopped): waits for a write in flight, then writes if positions moved.
    /// Returns what the write reported (also given to the sink), if it wrote and that was
    /// news (a failure for a cause already reported is not said again).
    @discardableResult
    public func finish(_ inbox: Inbox, drained: UInt64) -> SnapshotReport? {
        writer.sync {}
        for _ in 0..<100 where pushing.load(ordering: .acquiring) { usleep(1000) }  // a mark being recorded
        guard let (mark, clusterID) = mark(drained: drained), mark.positions != lastWritten else { return nil }
        lastWritten = mark.positions
        return write(mark, clusterID: clusterID, inbox: inbox)
    }

    /// Writes the file (any thread: touches no state of the keeper but `failed`). A failure
    /// is reported once per cause (errno): a full disk is not logged again every minute.
    @discardableResult
    private func write(_ mark: Mark, clusterID: String?, inbox: Inbox) -> SnapshotReport? {
        let clock = ContinuousClock()
        let started = clock.now
        let header = SnapshotResume.header(settings: settings, clusterID: clusterID, positions: mark.positions, lows: mark.lows)
        let report: SnapshotReport
        do {
            let bytes = try store.save(header, inbox: inbox)
            failed.withLock { $0 = nil }
            report = .written(notifications: inbox.count, bytes: bytes, ms: Int(((clock.now - started).seconds * 1000).rounded()))
        } catch {
            let code = error.errno
            guard failed.withLock({ old in defer { old = code }; return old != code }) else { return nil }
            report = .writeFailed("\(error)")
        }
        sink(report)
        return report
    }
}
