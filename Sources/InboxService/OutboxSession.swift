import InboxCore
import KafkaKit

/// The outbox as a one-shot command (read/unread/ack, list, count, watch) uses it: open it,
/// learn from the receipts topic which entries are already delivered, deliver the rest
/// first, and know what to show as pending.
///
/// When the journal cannot be opened or written (`trouble`: the state directory full,
/// read-only, missing), a command's new receipts are delivered straight to Kafka: they
/// count as done only once the broker confirms them, and those it does not confirm are
/// said to be lost (`failureNote`), never to be kept.
public final class OutboxSession {
    let settings: Settings
    /// The outbox; nil when it could not be opened.
    public let outbox: Outbox?
    /// Why the journal could not be opened or written, if it could not.
    public private(set) var trouble: StorageTrouble?
    /// Receipts of this command the journal could not take.
    public private(set) var unsavedIDs = Set<String>()
    /// Whether this process may replay older entries (see `SenderLock`).
    public let lock: SenderLock?
    /// Entries pending when the command started, oldest first (minus those found delivered).
    public private(set) var pending: [Receipt] = []
    /// What opening found worth telling: why the outbox could not be opened (when it was
    /// not required), damaged lines skipped.
    public private(set) var notes: [String] = []

    /// Opens the user's outbox. A failure is kept in `trouble`, and the command goes on
    /// without it; a read-only command (not `required`) says so in `notes`, one that makes
    /// receipts says it when it has some (`add`).
    public init(settings: Settings, required: Bool) {
        self.settings = settings
        do {
            outbox = try Outbox(path: settings.outboxPath)
        } catch {
            trouble = StorageTrouble(error, directory: settings.state.directory)
            if !required { notes.append("warning: outbox: cannot open it under \(settings.state.directory): \(error)") }
            outbox = nil
        }
        if let note = outbox?.damageNote { notes.append(note) }
        lock = outbox.flatMap { SenderLock(outboxPath: $0.path) }
        pending = (try? outbox?.pending()) ?? []
    }

    /// Receipt ids to look for on the receipts topic while loading.
    public var pendingIDs: Set<String> { Set(pending.map(\.receiptID)) }

    /// Marks as done the pending entries found on the receipts topic (delivered by an
    /// earlier run that was killed before its delivery report).
    public func confirm(found ids: Set<String>) {
        guard !ids.isEmpty else { return }
        try? outbox?.markDone(Array(ids))
        pending.removeAll { ids.contains($0.receiptID) }
    }

    /// Applies pending receipts on top of the loaded state (they are newer than the log).
    public func applyPending(to inbox: inout Inbox) {
        for r in pending { inbox.applyEvent(r) }
    }

    /// Journals `new` receipts (fsync'd) before anything is sent. When the journal cannot
    /// take them, they are kept in `unsavedIDs`, and the warning to show is returned
    /// (`trouble`: they go straight to Kafka, confirmed or said lost).
    public func add(_ new: [Receipt]) -> String? {
        guard !new.isEmpty else { return nil }
        if let outbox {
            do {
                try outbox.add(new, sync: true)
                return nil
            } catch {
                trouble = StorageTrouble(error, directory: settings.state.directory)
            }
        }
        unsavedIDs.formUnion(new.map(\.receiptID))
        return trouble.map { "warning: \($0.commandMessage)" }
    }

    /// Delivers the older pending entries (if this process holds the sender lock) and then
    /// `new` ones, in that order. Returns how many older ones were delivered, the failures
    /// (receipt and reason), and the reasons of producer restarts.
    public func deliver(new: [Receipt] = [], messageTimeoutMs: Int? = nil) throws(ServiceError)
        -> (replayed: Int, failed: [(Receipt, String)], restarts: [String]) {
        let old = lock != nil ? pending : []
        let all = old + new
        guard !all.isEmpty else { return (0, [], []) }
        let engine = try DeliveryEngine(settings: settings, messageTimeoutMs: messageTimeoutMs)
        var restarts: [String] = []
        engine.onRestart = { restarts.append($0) }
        let factory = ReceiptFactory(user: settings.user)
        let results = engine.deliver(all.map { factory.message($0, layout: settings.layout) })
        try? outbox?.markDone(zip(all, results).filter { $0.1 == nil }.map(\.0.receiptID))
        let failed = zip(all, results).compactMap { r, e in e.map { (r, $0) } }
        let failedIDs = Set(failed.map(\.0.receiptID))
        return (old.filter { !failedIDs.contains($0.receiptID) }.count, failed, restarts)
    }

    /// What to say of `failed` receipts: kept in the outbox, or lost (not saved locally).
    public func failureNote(_ failed: [Receipt]) -> String {
        let lost = failed.filter { unsavedIDs.contains($0.receiptID) }.count
        let kept = failed.count - lost
        var parts: [String] = []
        if kept > 0 { parts.append(keptNote(kept)) }
        if lost > 0, let trouble { parts.append(trouble.lostMessage(lost, brokers: settings.kafka.brokers)) }
        return parts.joined(separator: "; ")
    }

    /// The note for entries still pending.
    public func keptNote(_ count: Int) -> String {
        "\(count) receipt(s) kept in the outbox \(outbox?.path ?? "") — they are sent first by the next kafka-inbox command"
    }
}

extension OutboxSession {
    /// What `list`, `count` and `watch --unread-only` show: the inbox read to its end, with
    /// the user's pending receipts delivered first when possible (bounded by the timeout)
    /// and applied on top either way, so the user never sees their own action undone.
    /// `notes` receives what to tell the user on the way; `snapshotWriting` says when the
    /// snapshot is written (`InboxLoader.snapshotWriting`).
    public static func loadInbox(settings: Settings, kinds: [Kind]?, snapshot: SnapshotKeeper? = nil, snapshotWriting: SnapshotWriting = .now,
                                 notes: (String) -> Void) throws(ServiceError) -> (inbox: Inbox, warnings: [String]) {
        let session = OutboxSession(settings: settings, required: false)
        session.notes.forEach(notes)
        var loader = InboxLoader(settings: settings, kinds: kinds, snapshot: snapshot)
        loader.snapshotWriting = snapshotWriting
        var loaded = try loader.load(lookingFor: session.pendingIDs)
        session.confirm(found: loaded.found)
        if !session.pending.isEmpty {
            let (replayed, failed, restarts) = try session.deliver(messageTimeoutMs: Int(settings.timeoutMs))
            for r in restarts { notes("producer restarted after a fatal error: \(r)") }
            if replayed > 0 { notes("delivered \(replayed) pending receipt(s) from the outbox") }
            if let first = failed.first {
                loaded.warnings.append("\(first.1); " + session.keptNote(failed.count))
            } else if session.lock == nil {
                loaded.warnings.append("\(session.pending.count) receipt(s) pending in the outbox; another kafka-inbox is delivering them")
            }
            session.applyPending(to: &loaded.inbox)
        }
        loaded.inbox.settleTriage(settings.triage.config, nowMs: Timestamps.nowMs())
        return (loaded.inbox, loaded.warnings)
    }
}
