import ArgumentParser
import Foundation
import InboxCore
import InboxService
import InboxFeed
import KafkaKit

/// `kafka-inbox watch`: tail live notifications like `tail -f` / `kcat -C`.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print notifications as they arrive (pretty on a terminal, JSON lines in a pipe).",
        discussion: """
        One consumer reads all of the user's kinds (and topics matching [topics] patterns).
        --from: beginning | end (default) | <offset> | <ISO 8601 time> | <duration> ago (30m, 2h, 7d; or --from=-2h).
        Templates: {id} {kind} {title} {actor} {url} {created_at} {age} {topic} {partition} {offset} {state} {body}.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var kinds: KindsOption
    @OptionGroup var filter: FilterOption
    @Option(help: ArgumentHelp("Where to start.", valueName: "position")) var from: String = "end"
    @Flag(help: "Stop at the end of what existed at start.") var exitAtEnd = false
    @Option(help: "Stop after printing this many.") var count: Int?
    @Option(help: ArgumentHelp("json, pretty or a template such as '{kind}: {title}'.", valueName: "format")) var format: String?
    @Option(help: "Consumer group: each notification goes to one member; offsets are committed after printing.") var group: String?
    @Flag(help: "Skip notifications the receipts topic says are read or acknowledged.") var unreadOnly = false
    @Flag(help: "No colour (also NO_COLOR).") var noColor = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let group, group.isEmpty { throw ValidationError("--group needs a name") }
    }

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            let position = try StartPosition(parsing: from, nowMs: Timestamps.nowMs())
            let color = !noColor && Console.stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            let output: WatchFormat
            do { output = try WatchFormat(flag: format, isTerminal: Console.stdoutIsTerminal, color: color) } catch let e as WatchFormatError {
                throw CommandFailure(message: e.message, exit: .validationFailure)
            }
            let filter = try self.filter.compiled()
            let query = try self.filter.parsedQuery()
            defer { filter?.reportFailures() }
            var pending: [Receipt] = []
            if unreadOnly {
                // Deliver the user's pending receipts first, and filter by them meanwhile.
                let outbox = OutboxSession(settings: settings, required: false)
                for note in outbox.notes { Console.error("kafka-inbox: \(note)") }
                pending = outbox.pending
                if !pending.isEmpty {
                    let (replayed, failed, restarts) = try outbox.deliver(messageTimeoutMs: Int(settings.timeoutMs))
                    for r in restarts { Console.error("kafka-inbox: producer restarted after a fatal error: \(r)") }
                    if replayed > 0 { Console.error("kafka-inbox: delivered \(replayed) pending receipt(s) from the outbox") }
                    if let first = failed.first { Console.error("kafka-inbox: warning: \(first.1); " + outbox.keptNote(failed.count)) }
                }
            }
            var session = WatchSession(settings: settings, format: output.line, unreadOnly: unreadOnly, limit: count, pending: pending,
                                       filter: filter == nil && query == nil ? nil : { n, state in
                                           (query?.matches(n, InboxQuery.Facts(rowClass: RowClass(state, muted: false))) ?? true)
                                               && (filter?.matches(n, state: state) ?? true)
                                       },
                                       output: { Console.write(Array($0.utf8)) },
                                       warn: { Console.error("kafka-inbox: \($0)") })
            if group != nil {
                if case .offset = position { throw CommandFailure(message: "--from <offset> does not combine with --group", exit: .validationFailure) }
                if case .time = position { throw CommandFailure(message: "--from <time> does not combine with --group", exit: .validationFailure) }
            }
            try session.run(kinds: kinds.parsed, from: position, exitAtEnd: exitAtEnd, group: group)
        }
    }
}
