import ArgumentParser
import Foundation
import InboxCore
import InboxFeed
import InboxService
import InboxSystem
import KafkaKit

/// `kafka-inbox demo`: zero setup — embedded broker, seeded notifications, live trickle, inbox.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start an embedded broker, seed ~200 notifications for user 'demo', and open the inbox.",
        discussion: """
        A new notification arrives every few seconds. The broker's address is printed, so that
        `kafka-inbox watch -b ADDRESS --user demo` or kcat can join from another terminal.
        """)

    @Option(help: "Fixed port for the embedded broker (default: a free port).") var port: UInt16?
    @Option(help: "Seconds between live notifications (0 = none).") var interval: Double = 4
    @Option(help: ArgumentHelp("Seed file (JSONL; default assets/demo-notifications.jsonl).", valueName: "file")) var seed: String?
    @Flag(help: "No inbox: keep the broker and the trickle running until Ctrl-C (for other clients).") var headless = false
    @Flag(help: "No colour (also NO_COLOR).") var noColor = false
    @Flag(help: "A producer we do not control: shared topics and its own message shape, read through a [schema] mapping (assets/demo-shared.toml).")
    var shared = false

    static let user = "demo"

    func validate() throws {
        if interval < 0 { throw ValidationError("--interval must be 0 or more seconds") }
    }

    func run() throws {
        try runReportingFailures {
            if shared { return try runShared() }
            let seedPath = try Self.findSeed(seed)
            let layout = TopicLayout()
            if headless { EmbeddedBroker.blockTerminationSignals() }
            let broker = try EmbeddedBroker(port: port, topics: layout.topics(user: Self.user) + [layout.receiptsTopic(user: Self.user)],
                                            partitions: 3)
            var settings = try Settings.resolve(SettingsInput(brokers: broker.bootstrap, user: Self.user), environment: ["USER": Self.user])
            // No config file of the user's applies to the demo; its state lives where theirs does.
            settings.state = StatePaths(environment: ProcessInfo.processInfo.environment)
            settings.fetchWaitMaxMs = InboxReaderTuning.embeddedBrokerFetchWaitMaxMs
            let seeded = try DemoSeeder(settings: settings).seed(fromFile: seedPath)
            let banner = "demo broker at \(broker.bootstrap) — join with: kafka-inbox watch -b \(broker.bootstrap) --user demo"
            Console.error("kafka-inbox: seeded \(seeded) notifications; \(banner)")
            if interval > 0 { DemoSeeder(settings: settings).startTrickle(every: interval, templates: seedPath) }
            try serve(broker, settings: settings, banner: banner)
        }
    }

    /// `--shared`: topics `assigned` and `mentions` for everyone, read as demo@example.com.
    private func runShared() throws {
        let seedPath = try Self.findSeed(seed, default: "demo-shared.txt")
        let configPath = try Self.findSeed(nil, default: "demo-shared.toml")
        if headless { EmbeddedBroker.blockTerminationSignals() }
        let broker = try EmbeddedBroker(port: port, topics: ["assigned", "mentions"], partitions: 3)
        var settings = try Settings.resolve(SettingsInput(brokers: broker.bootstrap, configPath: configPath))
        settings.fetchWaitMaxMs = InboxReaderTuning.embeddedBrokerFetchWaitMaxMs
        let seeded = try DemoSeeder(settings: settings).seedShared(fromFile: seedPath)
        let banner = "shared-topic demo at \(broker.bootstrap) as \(settings.user) — mapping: \(configPath)"
        Console.error("kafka-inbox: published \(seeded) messages to assigned and mentions; \(banner)")
        if interval > 0 { DemoSeeder(settings: settings).startSharedTrickle(every: interval, templates: seedPath) }
        try serve(broker, settings: settings, banner: banner)
    }

    /// Keeps the broker up until Ctrl-C (`--headless`) or runs the inbox on it.
    private func serve(_ broker: EmbeddedBroker, settings: Settings, banner: String) throws {
        if headless {
            Console.out(broker.bootstrap)
            _ = EmbeddedBroker.waitForTermination()
        } else {
            KafkaLog.redirect(to: -1)
            try InteractiveInbox(settings: settings, kinds: nil, noColor: noColor, markReadOnOpen: true, snapshots: false).run(banner: banner)
        }
        withExtendedLifetime(broker) {}
    }

    /// The seed file: the flag, else assets/ next to the working directory or the binary.
    static func findSeed(_ explicit: String?, default name: String = "demo-notifications.jsonl") throws -> String {
        if let explicit {
            guard FileManager.default.isReadableFile(atPath: explicit) else {
                throw CommandFailure(message: "cannot read seed file \(explicit)", exit: ExitStatus.dataError)
            }
            return explicit
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            FileManager.default.currentDirectoryPath + "/assets/" + name,
            exe.appendingPathComponent("../../assets/" + name).path,
            exe.appendingPathComponent("../../../assets/" + name).path,
            exe.appendingPathComponent("../share/kafka-inbox/" + name).path,
        ]
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw CommandFailure(message: "cannot find assets/\(name); run from the repository or pass --seed FILE",
                                 exit: ExitStatus.dataError)
        }
        return found
    }
}
