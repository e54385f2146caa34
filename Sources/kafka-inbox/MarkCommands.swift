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

    /// Marks the targets `type` (see `ReceiptDelivery.run`).
    func mark(_ type: ReceiptType) throws {
        try runReportingFailures {
            let settings = try global.settings()
            try ReceiptDelivery.run(settings: settings, kinds: all ? kinds.parsed : nil, report: { "marked \($0) of \($1) \(type.rawValue)" }) { inbox, factory in
                let targets = try self.targets(type, in: &inbox, settings: settings)
                if targets.isEmpty { Console.error("kafka-inbox: nothing to mark \(type.rawValue)") }
                return targets.map { factory.receipt(type, for: $0) }
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
        return try ReceiptDelivery.notifications(ids, in: inbox, settings: settings)
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
