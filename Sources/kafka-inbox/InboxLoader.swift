import InboxCore
import InboxFeed
import KafkaKit

/// Reads the user's topics and receipts to their ends into an `Inbox` (list, count, mark).
struct InboxLoader {
    let settings: Settings
    let kinds: [Kind]?
    /// The local snapshot to resume from and write (nil: off). See SnapshotResume.swift.
    var snapshot: SnapshotSession? = nil

    /// The inbox as Kafka holds it now, plus errors seen and missing topics.
    func load() throws -> (inbox: Inbox, warnings: [String]) {
        let r = try load(lookingFor: [])
        return (r.inbox, r.warnings)
    }

    /// Loads the inbox and reports which of `receiptIDs` are on the receipts topic.
    func load(lookingFor receiptIDs: Set<String>) throws -> (inbox: Inbox, warnings: [String], found: Set<String>) {
        var found = Set<String>()
        let reader = try settings.startReader(kinds: kinds) {
            $0.packsNotifications = true  // straight into the inbox's packed form
            snapshot?.attach(to: $0, resumeReceipts: receiptIDs.isEmpty)  // snapshot
        }
        var inbox = snapshot?.startingInbox() ?? Inbox()  // snapshot: pre-filled when it matched
        var warnings: [String] = []
        var badReceipts = 0
        let clock = ContinuousClock()
        var lastProgress = clock.now
        while !reader.caughtUp {
            let batch = reader.step(timeoutMs: 200)
            for n in batch.notifications { inbox.insert(n) }
            inbox.insert(contentsOf: batch.packed)
            for r in batch.receipts {
                inbox.apply(r)
                if !receiptIDs.isEmpty && receiptIDs.contains(r.receiptID) { found.insert(r.receiptID) }
            }
            badReceipts += batch.badReceipts
            if !batch.notifications.isEmpty || !batch.packed.isEmpty || !batch.receipts.isEmpty { lastProgress = clock.now }
            for e in batch.errors where !warnings.contains(e) { warnings.append(e) }
            if clock.now - lastProgress > .milliseconds(Int(settings.timeoutMs) * 3) {
                throw CommandFailure(message: "reading stalled at \(reader.catchUpRead) of \(reader.catchUpTotal) messages from \(settings.kafka.brokers)"
                    + (warnings.last.map { ": \($0)" } ?? ""), exit: ExitStatus.unavailable)
            }
        }
        snapshot?.finish(reader: reader, inbox: inbox)  // snapshot: written before pending receipts go on top
        if badReceipts > 0 { warnings.append("\(badReceipts) malformed receipt(s) on \(settings.receiptsTopic) were skipped") }
        return (inbox, warnings, found)
    }
}
