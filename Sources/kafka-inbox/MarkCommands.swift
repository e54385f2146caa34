import ArgumentParser
import InboxCore

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

    /// Loads the inbox, makes the receipts, publishes them, and reports.
    func mark(_ type: ReceiptType) throws {
        try runReportingFailures {
            let settings = try Settings.resolve(global)
            let (inbox, warnings) = try InboxLoader(settings: settings, kinds: all ? kinds.parsed : nil).load()
            for w in warnings { Console.error("kafka-inbox: warning: \(w)") }
            var targets: [Notification] = []
            if all {
                var copy = inbox
                let kindSet = kinds.parsed.map(Set.init)
                targets = copy.newestFirst().map { copy.notification(at: $0) }.filter { n in
                    (kindSet?.contains(n.kind) ?? true) && inbox.state(of: n.id) != type.state
                }
            } else {
                var unknown: [String] = []
                var seen = Set<String>()
                for id in ids where seen.insert(id).inserted {
                    if let n = inbox.notification(id: id) { targets.append(n) } else { unknown.append(id) }
                }
                if !unknown.isEmpty {
                    throw CommandFailure(message: "no notification with id \(unknown.map { "'\(TerminalText.sanitize($0))'" }.joined(separator: ", ")) "
                        + "in \(settings.user)'s inbox; nothing was marked (see `kafka-inbox list --all`)", exit: ExitStatus.noSuchID)
                }
            }
            guard !targets.isEmpty else {
                Console.error("kafka-inbox: nothing to mark \(type.rawValue)")
                return
            }
            let factory = ReceiptFactory(user: settings.user)
            let messages = targets.map { factory.message(factory.receipt(type, for: $0), topic: settings.receiptsTopic) }
            let publisher = try Publisher(settings: settings)
            let results = try publisher.publish(messages)
            let failed = results.enumerated().compactMap { i, r in r.map { (targets[i].id, $0) } }
            Console.error("kafka-inbox: marked \(targets.count - failed.count) of \(targets.count) \(type.rawValue)")
            if !failed.isEmpty {
                for (id, why) in failed.prefix(10) { Console.error("kafka-inbox: not confirmed: \(TerminalText.sanitize(id)): \(why)") }
                throw CommandFailure(message: "\(failed.count) receipt(s) were not confirmed by \(settings.kafka.brokers)",
                                     exit: ExitStatus.deliveryFailed)
            }
        }
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
