import Foundation
import InboxCore
import KafkaKit

/// The outbox as a one-shot command (read/unread/ack, list, count, watch) uses it: open it,
/// learn from the receipts topic which entries are already delivered, deliver the rest
/// first, and know what to show as pending.
final class OutboxSession {
    let settings: Settings
    /// The outbox; nil when it could not be opened (only allowed for read-only commands).
    let outbox: Outbox?
    /// Whether this process may replay older entries (see `SenderLock`).
    let lock: SenderLock?
    /// Entries pending when the command started, oldest first (minus those found delivered).
    private(set) var pending: [Receipt] = []

    /// Opens the user's outbox. With `required`, a failure is a `CommandFailure`;
    /// otherwise a warning on stderr and the command goes on without it.
    init(settings: Settings, required: Bool) throws {
        self.settings = settings
        var box: Outbox?
        do {
            box = try Outbox(user: settings.user, bootstrap: settings.kafka.brokers)
        } catch {
            let text = "outbox: cannot open it under \(Outbox.directory(environment: ProcessInfo.processInfo.environment)): \(error)"
            if required { throw CommandFailure(message: text + "; nothing was marked", exit: ExitStatus.cannotCreate) }
            Console.error("kafka-inbox: warning: \(text)")
        }
        outbox = box
        if let box, box.damagedAtOpen > 0 {
            Console.error("kafka-inbox: outbox: \(box.damagedAtOpen) damaged line(s) skipped (kept in \(box.path).damaged)")
        }
        lock = box.flatMap { SenderLock(outboxPath: $0.path) }
        pending = (try? box?.pending()) ?? []
    }

    /// Receipt ids to look for on the receipts topic while loading.
    var pendingIDs: Set<String> { Set(pending.map(\.receiptID)) }

    /// Marks as done the pending entries found on the receipts topic (delivered by an
    /// earlier run that was killed before its delivery report).
    func confirm(found ids: Set<String>) {
        guard !ids.isEmpty else { return }
        try? outbox?.markDone(Array(ids))
        pending.removeAll { ids.contains($0.receiptID) }
    }

    /// Applies pending receipts on top of the loaded state (they are newer than the log).
    func applyPending(to inbox: inout Inbox) {
        for r in pending { inbox.apply(r) }
    }

    /// Delivers the older pending entries (if this process holds the sender lock) and then
    /// `new` ones, in that order. Returns the failures: receipt and reason.
    func deliver(new: [Receipt] = [], messageTimeoutMs: Int? = nil) throws -> (replayed: Int, failed: [(Receipt, String)]) {
        let old = lock != nil ? pending : []
        let all = old + new
        guard !all.isEmpty else { return (0, []) }
        var remaining = all
        var failed: [(Receipt, String)] = []
        for attempt in 0..<3 {
            let publisher = try Publisher(settings: settings, messageTimeoutMs: messageTimeoutMs)
            let factory = ReceiptFactory(user: settings.user)
            let results = try publisher.publish(remaining.map { factory.message($0, topic: settings.receiptsTopic) })
            let delivered = zip(remaining, results).filter { $0.1 == nil }.map(\.0.receiptID)
            try? outbox?.markDone(delivered)
            failed = zip(remaining, results).compactMap { r, e in e.map { (r, $0) } }
            // librdkafka 2.0.2's idempotent producer can fail fatally: start a new one and
            // replay what is not confirmed (same receipt ids: no second state change).
            guard let fatal = publisher.fatalError, !failed.isEmpty, attempt < 2 else { break }
            Console.error("kafka-inbox: producer restarted after a fatal error: \(fatal.reason)")
            remaining = failed.map(\.0)
        }
        let failedIDs = Set(failed.map(\.0.receiptID))
        return (old.filter { !failedIDs.contains($0.receiptID) }.count, failed)
    }

    /// The stderr note for entries still pending.
    func keptNote(_ count: Int) -> String {
        "\(count) receipt(s) kept in the outbox \(outbox?.path ?? "") — they are sent first by the next kafka-inbox command"
    }
}

extension OutboxSession {
    /// What `list` and `count` show: the inbox read to its end, with the user's pending
    /// receipts delivered first when possible (bounded by the timeout) and applied on top
    /// either way, so the user never sees their own action undone.
    static func loadInbox(settings: Settings, kinds: [Kind]?, snapshot: SnapshotOptions? = nil) throws -> (inbox: Inbox, warnings: [String]) {
        let session = try OutboxSession(settings: settings, required: false)
        let snapshot = snapshot.flatMap { SnapshotSession(settings: settings, kinds: kinds, options: $0) }
        var (inbox, warnings, found) = try InboxLoader(settings: settings, kinds: kinds, snapshot: snapshot)
            .load(lookingFor: session.pendingIDs)
        session.confirm(found: found)
        if !session.pending.isEmpty {
            let (replayed, failed) = try session.deliver(messageTimeoutMs: Int(settings.timeoutMs))
            if replayed > 0 { Console.error("kafka-inbox: delivered \(replayed) pending receipt(s) from the outbox") }
            if let first = failed.first {
                warnings.append("\(first.1); " + session.keptNote(failed.count))
            } else if session.lock == nil {
                warnings.append("\(session.pending.count) receipt(s) pending in the outbox; another kafka-inbox is delivering them")
            }
            session.applyPending(to: &inbox)
        }
        return (inbox, warnings)
    }
}
