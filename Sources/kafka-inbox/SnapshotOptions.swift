import ArgumentParser
import InboxCore
import InboxService

/// `--no-snapshot` and `--verbose` of `list` and `count`.
struct SnapshotOptions: ParsableArguments {
    @Flag(help: "Neither use nor write the local snapshot: read everything from Kafka.")
    var noSnapshot = false

    @Flag(name: [.customShort("v"), .long], help: "Say on stderr whether the snapshot was used and how many messages were read.")
    var verbose = false

    /// The snapshot keeper for a command, reporting on stderr (problems always, the rest
    /// with `--verbose`); nil when snapshots are off or a kind filter is given (a snapshot
    /// holds every kind; filtered reads neither use nor write one).
    func keeper(settings: Settings, kinds: [Kind]?) -> SnapshotKeeper? {
        guard !noSnapshot else { return nil }
        guard kinds == nil else {
            if verbose { Console.error("kafka-inbox: snapshot not used with --kinds") }
            return nil
        }
        let verbose = self.verbose
        return SnapshotKeeper(settings: settings) { report in
            if case .resumed(_, _, let notes) = report, verbose { notes.forEach { Console.error("kafka-inbox: snapshot: \($0)") } }
            if verbose || report.isProblem {
                Console.error("kafka-inbox: \(report.isProblem && report.text.hasPrefix("cannot") ? "warning: " : "")\(report.text)")
            }
        }
    }
}

extension OutboxSession {
    /// `loadInbox` for a command: notes on stderr. A snapshot written `.inBackground` is
    /// waited for by every way out of the command (`Console.beforeExit`), so that no
    /// temporary file is left behind.
    static func loadInbox(settings: Settings, kinds: [Kind]?, snapshot: SnapshotOptions,
                          writing: SnapshotWriting) throws -> (inbox: Inbox, warnings: [String]) {
        let keeper = snapshot.keeper(settings: settings, kinds: kinds)
        if writing == .inBackground, let keeper { Console.beforeExit { keeper.waitForWrites() } }
        return try loadInbox(settings: settings, kinds: kinds, snapshot: keeper, snapshotWriting: writing) {
            Console.error("kafka-inbox: \($0)")
        }
    }
}
