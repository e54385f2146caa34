import ArgumentParser
import Foundation
import InboxCore
import InboxService

/// `kafka-inbox list`: the inbox, read to its end, printed once.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print the inbox (notifications with their state) and exit.",
        discussion: "Text columns: state, kind, age, id, actor, title. --json prints one JSON object per line.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var kinds: KindsOption
    @OptionGroup var snapshot: SnapshotOptions
    @OptionGroup var filter: FilterOption
    @Flag(help: "Which notifications (default: unread; with --query: all).") var view: ViewFlag?
    @Flag(help: "One JSON object per line (stable fields; see README).") var json = false
    @Option(help: "At most this many, newest first.") var limit: Int?

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            let filter = try self.filter.compiled()
            let query = try self.filter.parsedQuery()
            // The snapshot is written while the lines are (runReportingFailures waits for it).
            // A reader that goes away (`| head`) must not kill the process in the middle of
            // that write: without SIGPIPE, the write fails (EPIPE) and Console.exit waits.
            signal(SIGPIPE, SIG_IGN)
            var (inbox, warnings) = try OutboxSession.loadInbox(settings: settings, kinds: kinds.parsed, snapshot: snapshot,
                                                                writing: .inBackground)
            for w in warnings { Console.error("kafka-inbox: warning: \(w)") }
            let rows = inbox.indices(in: (view ?? (query == nil ? .unread : .all)).view, kinds: kinds.parsed.map(Set.init))
            let now = Timestamps.nowMs()
            var printed = 0
            var out = OutputBuffer()
            defer { filter?.reportFailures() }
            if json && query == nil && filter == nil {
                out.lines(inbox, rows: rows.prefix(limit ?? rows.count))
                return
            }
            for i in rows {
                if let limit, printed >= limit { break }
                // Only a filter, a query or the text columns need the notification as values.
                var n: InboxCore.Notification?
                if query != nil || filter != nil {
                    let value = inbox.notification(at: i)
                    if !FilterOption.passes(inbox, i, value, query: query, filter: filter) { continue }
                    n = value
                }
                printed += 1
                if json {
                    NotificationJSON.append(inbox, at: i, to: &out.writer)
                    out.endLine()
                } else {
                    let n = n ?? inbox.notification(at: i)
                    let state = inbox.state(at: i)
                    let triage = NotificationJSON.Triage(inbox, at: i)
                    let shown = triage.muted ? "muted" : triage.wasSnoozed && state == .unread ? "was-snoozed" : state.rawValue
                    let cols = [shown.padding(12), n.kind.rawValue.padding(9),
                                Timestamps.relativeAge(ms: n.createdAtMs, nowMs: now).padding(4, left: true),
                                TerminalText.sanitize(n.id), TerminalText.sanitize(n.actor ?? "-"),
                                TerminalText.sanitize(n.title)]
                    out.line(cols.joined(separator: "  "))
                }
            }
            out.flush()
        }
    }
}
