import ArgumentParser
import Foundation
import InboxCore
import InboxEvents
import InboxService

/// `kafka-inbox snooze ID… --until WHEN`.
struct SnoozeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snooze", abstract: "Snooze notifications until a time (they come back unread, in every terminal).",
        discussion: "WHEN: 30m, 2h, 3d, tomorrow, tonight, mon…sun, 17:00, 5pm, tomorrow 9:00, 2026-12-24, 2026-12-24T10:00Z.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Until when.") var until: String
    @Argument(help: "Notification ids (as `list` shows them).") var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one notification id") }
        do throws(SnoozeTimeError) { _ = try SnoozeTime.parse(until, nowMs: Timestamps.nowMs()) } catch {
            throw ValidationError("--until: \(error.description)")
        }
    }

    func run() throws {
        let untilMs = try SnoozeTime.parse(until, nowMs: Timestamps.nowMs())
        try runReportingFailures {
            let settings = try global.settings()
            try ReceiptDelivery.run(settings: settings, kinds: nil, report: { "snoozed \($0) of \($1) until \(Timestamps.iso8601(ms: untilMs))" }) { inbox, f in
                try ReceiptDelivery.notifications(ids, in: inbox, settings: settings).map { n in
                    f.receipt(for: ReceiptRequest(notificationID: n.id, kind: n.kind, source: n.source, type: .snoozed, untilMs: untilMs))
                }
            }
        }
    }
}

/// `kafka-inbox mute --thread TYPE:ID | --actor NAME | --kind KIND | --filter JQ [--for D]`.
struct MuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mute", abstract: "Mute a thread, an actor, a kind or a jq filter (shared by every terminal).",
        discussion: "Muted notifications are not counted unread and not alerted; they stay in the All view, marked muted.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "A thread: the object's TYPE:ID.") var thread: String?
    @Option(help: "Everything from this actor.") var actor: String?
    @Option(help: "Everything of this kind.") var kind: String?
    @Option(help: "Everything this jq expression selects (over `list --json` lines).") var filter: String?
    @Option(name: .customLong("for"), help: "Only for this long (30m, 2h, 7d); default: until unmuted.") var duration: String?

    func scope() throws -> MuteScope {
        let given = [thread.map { MuteScope(name: "thread", value: $0) }, actor.map { .actor($0) }, kind.map { .kind($0) },
                     filter.map { .filter($0) }].compactMap { $0 }
        guard given.count == 1 else { throw ValidationError("give exactly one of --thread, --actor, --kind, --filter") }
        guard let scope = given[0] else { throw ValidationError("--thread takes TYPE:ID, e.g. --thread graph:123") }
        if case .filter(let f) = scope {
            do { _ = try NotificationFilter(nativeOnly: f) } catch { throw ValidationError("--filter: \(error.message)") }
        }
        if case .kind(let k) = scope, !Kind.isValidName(k) { throw ValidationError("--kind: '\(k)' is not a kind name (\(Kind.nameRule))") }
        return scope
    }

    func validate() throws {
        _ = try scope()
        if let duration, (Timestamps.parseDuration(duration) ?? 0) <= 0 {
            throw ValidationError("--for: '\(duration)' is not a duration; use e.g. 30m, 2h, 7d")
        }
    }

    func run() throws {
        let until = duration.flatMap { Timestamps.parseDuration($0) }.map { Timestamps.nowMs() + $0 }
        let mute = Mute(scope: try scope(), untilMs: until)
        try runReportingFailures {
            let settings = try global.settings()
            try ReceiptDelivery.run(settings: settings, kinds: nil, report: { _, _ in "muted (id \(mute.id))" }) { _, f in
                [f.receipt(for: .mute(mute))]
            }
            Console.out(mute.id)
        }
    }
}

/// `kafka-inbox mutes`: the mutes in force, with their ids.
struct MutesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mutes", abstract: "List the mutes in force, with their ids.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "One JSON object per line.") var json = false

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            let (inbox, warnings) = try OutboxSession.loadInbox(settings: settings, kinds: nil, snapshot: nil) { Console.error("kafka-inbox: \($0)") }
            for w in warnings { Console.error("kafka-inbox: warning: \(w)") }
            for m in inbox.mutes.active(at: Timestamps.nowMs()) {
                guard let scope = m.scope else { continue }
                let until = m.untilMs.map { Timestamps.iso8601(ms: $0) }
                if json {
                    var w = JSONWriter(capacity: 128)
                    w.beginObject()
                    w.field("id", m.id); w.field("scope", scope.name); w.field("value", scope.value); w.fieldOrNull("until", until)
                    w.endObject()
                    Console.out(String(decoding: w.bytes, as: UTF8.self))
                } else {
                    Console.out([TerminalText.sanitize(m.id), scope.name.padding(6), TerminalText.sanitize(scope.value), until.map { "until " + $0 } ?? ""]
                        .joined(separator: "  "))
                }
            }
        }
    }
}

/// `kafka-inbox unmute ID…`.
struct UnmuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unmute", abstract: "Lift mutes (ids as `mutes` shows them).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Mute ids.") var ids: [String]

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            try ReceiptDelivery.run(settings: settings, kinds: nil, report: { "unmuted \($0) of \($1)" }) { inbox, f in
                try ids.map { id in
                    guard let m = inbox.mutes.find(id) else {
                        throw CommandFailure(message: "no mute with id '\(TerminalText.sanitize(id))'; nothing was sent (see `kafka-inbox mutes`)",
                                             exit: ExitStatus.noSuchID)
                    }
                    return f.receipt(for: .mute(Mute(id: m.id, scope: nil), type: .unmute))
                }
            }
        }
    }
}

/// `kafka-inbox act ID ACTION`: runs a producer-defined action.
struct ActCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "act", abstract: "Run an action the producer offered with a notification (see `list --json` actions).",
        discussion: "A URL action prints its URL; any other sends an action event on the receipts topic and marks the notification done.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The notification id.") var id: String
    @Argument(help: "The action id.") var action: String

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            var link: String?
            try ReceiptDelivery.run(settings: settings, kinds: nil, report: { "ran \(TerminalText.sanitize(action)): \($0) of \($1) event(s) confirmed" }) { inbox, f in
                let n = try ReceiptDelivery.notifications([id], in: inbox, settings: settings)[0]
                guard let a = NotificationAction.find(action, in: n) else {
                    let offered = NotificationAction.list(of: n).map { TerminalText.sanitize($0.id) }
                    throw CommandFailure(message: "notification '\(TerminalText.sanitize(id))' offers no action '\(TerminalText.sanitize(action))'"
                        + (offered.isEmpty ? " (it offers none)" : "; it offers: " + offered.joined(separator: ", ")), exit: ExitCode(64))
                }
                if let url = a.url {
                    link = url
                    return []
                }
                return [f.receipt(for: ReceiptRequest(notificationID: n.id, kind: n.kind, source: n.source, type: .action, action: a.id)),
                        f.receipt(.acknowledged, for: n)]
            }
            if let link { Console.out(TerminalText.sanitize(link)) }
        }
    }
}
