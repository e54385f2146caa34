import ArgumentParser
import InboxCore
import InboxService

/// `kafka-inbox` (default): the interactive inbox.
struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Open the interactive inbox (the default command). Press ? inside for keys.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var kinds: KindsOption
    @Flag(help: "No colour (also NO_COLOR).") var noColor = false
    @Flag(help: "Opening a notification (Enter) does not mark it read.") var noMarkOnOpen = false
    @Flag(help: "Neither use nor write the local snapshot: read everything from Kafka.") var noSnapshot = false

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            try InteractiveInbox(settings: settings, kinds: kinds.parsed, noColor: noColor, markReadOnOpen: !noMarkOnOpen,
                                 snapshots: !noSnapshot).run()
        }
    }
}
