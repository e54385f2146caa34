import ArgumentParser
import Foundation
import InboxCore
import InboxFeed
import InboxService

/// `kafka-inbox schema test`: what the `[schema]` mapping makes of the newest messages.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Work on the [schema] mapping of a producer's own messages.",
        subcommands: [SchemaTestCommand.self])
}

/// `kafka-inbox schema test [--last N] [--json]`.
struct SchemaTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Read the last messages of the configured topics and print what the [schema] mapping makes of each.",
        discussion: """
        One line per message, oldest first in each partition: where it is, kept / skipped (not for this user) / malformed, \
        then the id, kind, actor and title it was given, or why it is malformed. Nothing is marked and no snapshot is used.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var kinds: KindsOption
    @Option(help: "How many of the newest messages of each partition.") var last: Int64 = 10
    @Flag(help: "One JSON object per line: source, outcome and the notification as list --json prints it.") var json = false

    func validate() throws {
        if last < 1 { throw ValidationError("--last must be at least 1") }
    }

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            if settings.schema == nil {
                Console.error("kafka-inbox: no [schema] in the configuration: messages are read as the native contract (title or body required)")
            }
            let reader = try settings.startReader(kinds: kinds.parsed, from: .last(last), receipts: false) { $0.recordsOutcomes = true }
            defer { reader.close() }
            var kept = 0, skipped = 0, malformed = 0
            let clock = ContinuousClock()
            let deadline = clock.now + .milliseconds(Int(settings.timeoutMs) * 3)
            while !reader.caughtUp && clock.now < deadline {
                let batch = reader.step(timeoutMs: 200)
                for c in batch.conditions { Console.error("kafka-inbox: \(c)") }
                // Without a mapping every message is a notification of the native contract.
                let outcomes = settings.schema == nil
                    ? batch.notifications.notifications.map { ($0.source, MessageMapper.Outcome.notification($0)) } : batch.outcomes
                for (source, outcome) in outcomes {
                    switch outcome {
                    case .skipped: skipped += 1
                    case .notification(let n): if n.isMalformed { malformed += 1 } else { kept += 1 }
                    }
                    Console.out(json ? jsonLine(source, outcome) : textLine(source, outcome))
                }
            }
            Console.error("kafka-inbox: \(kept) kept, \(skipped) skipped (not for \(TerminalText.sanitize(settings.user))), \(malformed) malformed")
        }
    }

    private func textLine(_ source: SourcePosition, _ outcome: MessageMapper.Outcome) -> String {
        let at = TerminalText.sanitize(source.fallbackID)
        switch outcome {
        case .skipped:
            return "\(at)  skipped"
        case .notification(let n) where n.isMalformed:
            return "\(at)  malformed  \(TerminalText.sanitize(n.malformedReason ?? n.title))"
        case .notification(let n):
            let cols = ["kept", TerminalText.sanitize(n.id), n.kind.rawValue, TerminalText.sanitize(n.actor ?? "-"),
                        Timestamps.iso8601(ms: n.createdAtMs), TerminalText.sanitize(n.title)]
            return at + "  " + cols.joined(separator: "  ")
        }
    }

    private func jsonLine(_ source: SourcePosition, _ outcome: MessageMapper.Outcome) -> String {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("topic", source.topic)
        w.field("partition", source.partition)
        w.field("offset", source.offset)
        switch outcome {
        case .skipped:
            w.field("outcome", "skipped")
        case .notification(let n):
            w.field("outcome", n.isMalformed ? "malformed" : "kept")
            w.key("notification"); w.raw(NotificationJSON.line(n, state: .unread))
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
