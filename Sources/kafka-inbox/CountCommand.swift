import ArgumentParser
import InboxCore
import InboxService
import InboxSystem
import Foundation

/// `kafka-inbox count`: one number, for status bars.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Print the number of unread notifications (for tmux and status bars).",
        discussion: "--watch prints a line each time the count changes (event-driven, for waybar, i3blocks, polybar); "
            + "--format json prints {\"unread\": N, \"by_kind\": {…}, \"text\": \"…\"} per line.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var kinds: KindsOption
    @OptionGroup var snapshot: SnapshotOptions
    @OptionGroup var filter: FilterOption
    @Flag(help: "Keep running: print a line each time the count changes.") var watch = false
    @Option(help: "text (the number) or json.") var format: String = "text"

    func validate() throws {
        guard CountWatch.Format(rawValue: format) != nil else { throw ValidationError("--format takes text or json, not '\(format)'") }
        if watch && filter.filter != nil { throw ValidationError("--watch goes with --query, not --filter") }
    }

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            if watch {
                signal(SIGPIPE, SIG_IGN)  // a reader that goes away ends the watch quietly
                let w = CountWatch(settings: settings, kinds: kinds.parsed, query: try self.filter.parsedQuery(),
                                   format: CountWatch.Format(rawValue: format) ?? .text) { bytes in
                    (try? Posix.writeAll(1, bytes, call: "write(stdout)")) != nil
                }
                try w.run()
                return
            }
            let filter = try self.filter.compiled()
            let query = try self.filter.parsedQuery()
            // A status bar asks every few seconds: the snapshot is rewritten only once it is
            // well behind (a receipt or two cost less to read again than a rewrite).
            var (inbox, warnings) = try OutboxSession.loadInbox(settings: settings, kinds: kinds.parsed, snapshot: snapshot,
                                                                writing: .whenBehind)
            for w in warnings { Console.error("kafka-inbox: warning: \(w)") }
            let total: Int
            if filter != nil || query != nil {
                let rows = inbox.indices(in: .unread, kinds: kinds.parsed.map(Set.init))
                total = rows.reduce(0) { n, i in n + (FilterOption.passes(inbox, i, inbox.notification(at: i), query: query, filter: filter) ? 1 : 0) }
                filter?.reportFailures()
            } else if let k = kinds.parsed {
                total = Set(k).reduce(0) { $0 + inbox.counts.count(.unread, kind: $1) }
            } else {
                total = inbox.counts.count(.unread)
            }
            if format == "json" {
                let counts = CountWatch(settings: settings, kinds: kinds.parsed, query: nil, format: .json) { _ in true }
                Console.out(self.filter.filter == nil && self.filter.query == nil ? String(decoding: counts.line(inbox).dropLast(), as: UTF8.self)
                            : "{\"unread\":\(total)}")
            } else {
                Console.out(String(total))
            }
        }
    }
}
