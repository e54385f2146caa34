import InboxCore
import InboxService

/// What every command that writes to the receipts topic does: load the inbox, make the
/// events, journal them in the outbox, deliver what the outbox holds (older entries
/// first), report. Undelivered events stay in the outbox for the next command (exit 75).
/// When the outbox cannot take them (the state directory full, read-only, missing), they
/// are delivered straight to Kafka: confirmed by the broker, or said to be lost (exit 75).
enum ReceiptDelivery {
    /// Runs one delivery; `make` builds the events from the loaded inbox (pending receipts
    /// applied). `report(confirmed, made)` is the closing line ("marked 3 of 3 read"). Returns the inbox.
    @discardableResult
    static func run(settings: Settings, kinds: [Kind]?, report: (Int, Int) -> String,
                    make: (inout Inbox, ReceiptFactory) throws -> [Receipt]) throws -> Inbox {
        let session = OutboxSession(settings: settings, required: true)
        for note in session.notes { Console.error("kafka-inbox: \(note)") }
        let loaded = try InboxLoader(settings: settings, kinds: kinds).load(lookingFor: session.pendingIDs)
        var inbox = loaded.inbox
        for w in loaded.warnings { Console.error("kafka-inbox: warning: \(w)") }
        session.confirm(found: loaded.found)
        session.applyPending(to: &inbox)
        let factory = ReceiptFactory(user: settings.user)
        let receipts = try make(&inbox, factory)
        if let warning = session.add(receipts) { Console.error("kafka-inbox: \(warning)") }
        let (replayed, failed, restarts) = try session.deliver(new: receipts)
        for r in restarts { Console.error("kafka-inbox: producer restarted after a fatal error: \(r)") }
        if replayed > 0 { Console.error("kafka-inbox: delivered \(replayed) pending receipt(s) from the outbox") }
        let newIDs = Set(receipts.map(\.receiptID))
        let failedNew = failed.filter { newIDs.contains($0.0.receiptID) }.count
        if !receipts.isEmpty {
            // Without the outbox, what counts is the broker's confirmation: say whose it is.
            let confirmed = session.unsavedIDs.isEmpty || failedNew == receipts.count ? "" : " (confirmed by \(settings.kafka.brokers))"
            Console.error("kafka-inbox: " + report(receipts.count - failedNew, receipts.count) + confirmed)
        }
        if !failed.isEmpty {
            for (r, why) in failed.prefix(10) {
                let what = r.notificationID.isEmpty ? r.subject : r.notificationID
                Console.error("kafka-inbox: not confirmed: \(TerminalText.sanitize(what)) (\(r.type.rawValue)): \(why)")
            }
            throw CommandFailure(message: "\(failed.count) receipt(s) were not confirmed by \(settings.kafka.brokers); "
                + session.failureNote(failed.map(\.0)), exit: ExitStatus.deliveryFailed)
        }
        return inbox
    }

    /// The held notifications with these ids; an unknown id is an error (nothing is sent).
    static func notifications(_ ids: [String], in inbox: Inbox, settings: Settings) throws -> [Notification] {
        var found: [Notification] = []
        var unknown: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted {
            if let n = inbox.notification(id: id) { found.append(n) } else { unknown.append(id) }
        }
        if !unknown.isEmpty {
            throw CommandFailure(message: "no notification with id \(unknown.map { "'\(TerminalText.sanitize($0))'" }.joined(separator: ", ")) "
                + "in \(settings.user)'s inbox; nothing was sent (see `kafka-inbox list --all`)", exit: ExitStatus.noSuchID)
        }
        return found
    }
}
