import ArgumentParser
import Foundation
import InboxSystem

/// Command line of `inbox-bench`.
struct Options: ParsableArguments {
    @Option(name: [.customShort("n"), .long], help: "Notifications to load.") var notifications = 1_000_000
    @Option(help: "Receipts to load (default 0.3 × notifications).") var receipts: Int?
    @Option(help: ArgumentHelp("Write the figures as JSON here.", valueName: "file")) var json: String?
    @Option(help: "Catch-up runs (inbox and kcat alternate); medians are reported.") var runs = 3
    @Option(help: "Rounds of the key sequence.") var keyRounds = 40
    @Option(help: ArgumentHelp("Live phase: notifications per second.", valueName: "msgs-per-s")) var liveRate = 10_000
    @Option(help: "Live phase: seconds.") var liveSeconds = 10
    @Option(help: ArgumentHelp("Soak: a live phase of this many seconds at --live-rate, reporting resident memory at the start and the end of the steady phase, the growth the payload does not explain, and the latency over the whole soak.",
                               valueName: "seconds")) var soak: Int?
    /// The live phase's length: the soak's when there is one.
    var liveDuration: Int { soak ?? liveSeconds }
    @Option(name: .customLong("mark"), help: "Receipts to confirm in the mark-read measurement.") var markCount = 100_000
    @Flag(help: "Leave kcat out (no ratio).") var skipKcat = false
    @Option(help: "Mapped run: this many messages in a foreign shape on shared topics, half for other users (default: as many as --notifications; 0: none).")
    var mappedCount: Int?
    var mapped: Int { mappedCount ?? notifications }
    @Flag(help: "Leave out the snapshot phases (snapshot_open_ms, snapshot_up_to_date_ms, count_from_snapshot_seconds).")
    var skipSnapshot = false
    @Flag(help: "Leave out `kafka-inbox list --all --json` against kcat (list_json_ratio).") var skipList = false
    @Flag(help: "Leave out `kafka-inbox send --file` against `kcat -P` (send_ratio).") var skipSend = false
    @Option(help: "Notifications in the file of the send phase (default: as many as --notifications, at most 300,000).")
    var sendCount: Int?
    var send: Int { sendCount ?? min(notifications, 300_000) }
    // The child ("inbox") role: run by the parent, not by people.
    @Option(help: .hidden) var role = "bench"
    @Option(help: .hidden) var brokers = ""
    @Option(help: .hidden) var t0: UInt64 = 0
    @Flag(help: .hidden) var full = false
    @Option(help: .hidden) var expected = 0
    @Option(help: .hidden) var configPath: String?
    /// The state directory (`XDG_STATE_HOME`) to use instead of one of the child's own.
    @Option(help: .hidden) var stateDir: String?
    /// `write`: catch up with the local snapshot on and write it at the end, as the inbox does
    /// at quit; `open`: start from that snapshot (nil: snapshots off).
    @Option(help: .hidden) var snapshot: SnapshotMode?

    var receiptCount: Int { receipts ?? notifications * 3 / 10 }

    func validate() throws {
        for (name, value) in [("--notifications", notifications), ("--runs", runs), ("--key-rounds", keyRounds)] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
        if let soak, soak < 10 { throw ValidationError("--soak must be at least 10 seconds") }
        for (name, value) in [("--live-rate", liveRate), ("--live-seconds", liveSeconds), ("--mark", markCount),
                              ("--send-count", sendCount ?? 0)] where value < 0 {
            throw ValidationError("\(name) must be 0 or more")
        }
    }

    /// Arguments that pass this configuration on to a child.
    var childArguments: [String] {
        ["--notifications", String(notifications), "--receipts", String(receiptCount), "--key-rounds", String(keyRounds),
         "--live-rate", String(liveRate), "--live-seconds", String(liveDuration)]
    }
}

/// What an inbox child does with the local snapshot (`--snapshot`).
enum SnapshotMode: String, ExpressibleByArgument {
    /// Catch up with snapshots on, then write the snapshot as the inbox does at quit.
    case write
    /// Open from the snapshot written before, until up to date.
    case open
}

/// `inbox-bench`: starts the embedded broker, loads N notifications (~220 B JSON, 3 kinds)
/// and 0.3 N receipts, and measures catch-up (against kcat), keystroke and search latency,
/// memory, receipts and live latency. Asserts nothing; exits 0 unless it cannot run.
@main
struct InboxBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inbox-bench",
                                                    abstract: "Measure kafka-inbox against its performance targets, and against kcat.")
    @OptionGroup var options: Options

    func run() throws {
        do {
            if options.role == "inbox" {
                // As `kafka-inbox` does at start-up: the measured inbox is the product's.
                Allocator.keepResidentSizeDown()
                let run = try InboxRun(options: options)
                try run.run()
                let data = try JSONSerialization.data(withJSONObject: run.result, options: [.sortedKeys])
                print("RESULT " + String(decoding: data, as: UTF8.self))
                return
            }
            try Bench(options: options).run()
        } catch {
            fail("\(error)")
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("inbox-bench: " + message + "\n").utf8))
    exit(2)
}
