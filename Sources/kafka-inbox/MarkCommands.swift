import ArgumentParser
import InboxCore
import InboxService

/// What read, unread and ack share: ids or --all, and the work itself.
struct MarkOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var kinds: KindsOption
    @Flag(help: "Every notification whose state would change (limited by --kinds).") var all = false
    @Argument(help: "Notification ids (as `list` shows them).") var ids: [String] = []

    func validate() throws {
        if all && !ids.isEmpty { throw ValidationError("give ids or --all, not both") }
        if !all && ids.isEmpty { throw ValidationError("give at least one notification id, or --all") }
        if kinds.kinds != nil && !all { throw ValidationError("--kinds goes with --all") }
    }

    /// Loads the inbox, makes the receipts, writes them to the outbox, delivers what the
    /// outbox holds (older entries first), and reports. Undelivered receipts stay in the
    /// outbox for the next command (exit 75).
    func mark(_ type: ReceiptType) throws {
        try runReportingFailures {
            let settings = try global.settings()
            let session = try OutboxSession(settings: settings, required: true)
            for note in session.notes { Console.error("kafka-inbox: \(note)") }
            let loaded = try InboxLoader(settings: settings, kinds: all ? kinds.parsed : nil).load(lookingFor: session.pendingIDs)
            var inbox = loaded.inbox
            for w in loaded.warnings { Console.error("kafka-inbox: warning: \(w)") }
            session.confirm(found: loaded.found)
            session.applyPending(to: &inbox)
            let targets = try self.targets(type, in: &inbox, settings: settings)
            let factory = ReceiptFactory(user: settings.user)
            let receipts = targets.map { factory.receipt(type, for: $0) }
            try session.add(receipts)
            if targets.isEmpty { Console.error("kafka-inbox: nothing to mark \(type.rawValue)") }
            let (replayed, failed, restarts) = try session.deliver(new: receipts)
            for r in restarts { Console.error("kafka-inbox: producer restarted after a fatal error: \(r)") }
            if replayed > 0 { Console.error("kafka-inbox: delivered \(replayed) pending receipt(s) from the outbox") }
            let newIDs = Set(receipts.map(\.receiptID))
            let failedNew = failed.filter { newIDs.contains($0.0.receiptID) }.count
            if !targets.isEmpty {
                Console.error("kafka-inbox: marked \(targets.count - failedNew) of \(targets.count) \(type.rawValue)")
            }
            if !failed.isEmpty {
                for (r, why) in failed.prefix(10) {
                    Console.error("kafka-inbox: not confirmed: \(TerminalText.sanitize(r.notificationID)) (\(r.type.rawValue)): \(why)")
                }
                throw CommandFailure(message: "\(failed.count) receipt(s) were not confirmed by \(settings.kafka.brokers); "
                    + session.keptNote(failed.count), exit: ExitStatus.deliveryFailed)
            }
        }
    }

    /// The notifications to mark: the ids given (all must exist) or, with --all, every one
    /// whose state would change.
    private func targets(_ type: ReceiptType, in inbox: inout Inbox, settings: Settings) throws -> [Notification] {
        if all {
            let kindSet = kinds.parsed.map(Set.init)
            let snapshot = inbox
            return inbox.newestFirst().map { snapshot.notification(at: $0) }.filter { n in
                (kindSet?.contains(n.kind) ?? true) && snapshot.state(of: n.id) != type.state
            }
        }
        var targets: [Notification] = []
        var unknown: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted {
            if let n = inbox.notification(id: id) { targets.append(n) } else { unknown.append(id) }
        }
        if !unknown.isEmpty {
            throw CommandFailure(message: "no notification with id \(unknown.map { "'\(TerminalText.sanitize($0))'" }.joined(separator: ", ")) "
                + "in \(settings.user)'s inbox; nothing was marked (see `kafka-inbox list --all`)", exit: ExitStatus.noSuchID)
        }
        return targets
    }
}

/// `kafka-inbox read ID…`.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Mark notifications read.")
    @OptionGroup var options: MarkOptions
    func run() throws { try options.mark(.read) }
}

/// `kafka-inbox unread ID…`.
struct UnreadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unread", abstract: "Mark notifications unread.")
    @OptionGroup var options: MarkOptions
    func run() throws { try options.mark(.unread) }
}

/// `kafka-inbox ack ID…`.
struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge notifications (done).")
    @OptionGroup var options: MarkOptions
    func run() throws { try options.mark(.acknowledged) }
}
