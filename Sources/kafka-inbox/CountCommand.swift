import ArgumentParser
import InboxCore
import InboxService

/// `kafka-inbox count`: one number, for status bars.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Print the number of unread notifications (for tmux and status bars).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var kinds: KindsOption
    @OptionGroup var snapshot: SnapshotOptions
    @OptionGroup var filter: FilterOption

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            let filter = try self.filter.compiled()
            var (inbox, warnings) = try OutboxSession.loadInbox(settings: settings, kinds: kinds.parsed, snapshot: snapshot)
            for w in warnings { Console.error("kafka-inbox: warning: \(w)") }
            let total: Int
            if let filter {
                let rows = inbox.indices(in: .unread, kinds: kinds.parsed.map(Set.init))
                total = rows.reduce(0) { n, i in n + (filter.matches(inbox.notification(at: i), state: .unread) ? 1 : 0) }
                filter.reportFailures()
            } else if let k = kinds.parsed {
                total = Set(k).reduce(0) { $0 + inbox.counts.count(.unread, kind: $1) }
            } else {
                total = inbox.counts.count(.unread)
            }
            Console.out(String(total))
        }
    }
}
