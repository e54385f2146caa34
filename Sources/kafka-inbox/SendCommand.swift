import ArgumentParser
import Foundation
import InboxCore
import InboxService
import InboxSystem
import KafkaKit

/// `kafka-inbox send`: publish notifications (the application side, and demos).
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Publish one notification, or one per line of a JSONL file.",
        discussion: """
        kafka-inbox send --user bob --kind owner --title "alice commented on 'pathways'"
        kafka-inbox send --file notifications.jsonl      (- reads stdin)
        Prints how many were delivered; exits 65 if a line was bad, 75 if a delivery failed.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "group, owner, watching, … (default for --file lines without one).") var kind: String?
    @Option(help: "The one-line title.") var title: String?
    @Option(help: "Longer text.") var body: String?
    @Option(help: "Link to the object.") var url: String?
    @Option(help: "Who caused it.") var actor: String?
    @Option(help: "Notification id (default: a new unique id).") var id: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("JSONL file, one notification per line; - for stdin.", valueName: "file"))
    var file: String?
    @Flag(help: "Create the user's topics first if they do not exist.") var createTopics = false
    @Option(help: "Partitions for --create-topics.") var partitions: Int32 = 3

    func validate() throws {
        if file != nil && (title != nil || body != nil) { throw ValidationError("give --file or --title/--body, not both") }
        if file == nil && title == nil && body == nil { throw ValidationError("give --title (or --body), or --file FILE") }
        if file == nil && kind == nil { throw ValidationError("--kind is needed (group, owner or watching)") }
        if let kind, !Kind.isValidName(kind) { throw ValidationError("--kind: '\(kind)' is not a kind name (\(Kind.nameRule))") }
        if file == nil, (title ?? "").trimmingCharacters(in: .whitespaces).isEmpty, (body ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--title (or --body) must not be empty: readers would show it as malformed")
        }
        if partitions < 1 { throw ValidationError("--partitions must be at least 1") }
    }

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            if let file { return try sendFile(file, settings: settings) }
            let note = OutgoingNotification(
                id: id ?? IDGenerator.next(), kind: Kind(rawValue: kind ?? "owner"), user: settings.user,
                title: title ?? "", body: body, actor: actor, url: url, createdAtMs: Timestamps.nowMs())
            if createTopics {
                let names = settings.layout.topics(user: note.user) + [settings.layout.receiptsTopic(user: note.user),
                                                                        settings.layout.topic(user: note.user, kind: note.kind)]
                try TopicCreator(settings: settings).create(Array(Set(names)).sorted(), partitions: partitions)
            }
            noteUnconfigured([note.kind], settings: settings)
            let message = OutgoingMessage(topic: settings.layout.topic(user: note.user, kind: note.kind), key: Array(note.id.utf8),
                                          value: note.json())
            let engine = try DeliveryEngine(settings: settings)
            try engine.checkReachable()
            let why = engine.deliver([message])[0]
            Console.out("delivered \(why == nil ? 1 : 0) of 1")
            if let why {
                Console.error("kafka-inbox: not delivered to \(message.topic): \(why)")
                throw CommandFailure(message: "1 notification(s) were not confirmed by \(settings.kafka.brokers)", exit: ExitStatus.deliveryFailed)
            }
        }
    }

    /// Streams the lines of `path` (- for stdin) to Kafka.
    private func sendFile(_ path: String, settings: Settings) throws {
        let name = path == "-" ? "stdin" : path
        let fd: Int32
        if path == "-" {
            fd = 0
        } else {
            do { fd = try Posix.openForReading(path) } catch { throw unreadable(path, error) }
        }
        defer { if fd != 0 { Posix.close(fd) } }
        let creator = createTopics ? TopicCreator(settings: settings) : nil
        let partitions = self.partitions
        let sender = try NotificationFileSender(settings: settings, defaultKind: kind.map(Kind.init(rawValue:)),
                                                prepare: creator.map { c in { try c.create($0, partitions: partitions) } })
        sender.onBadLine = { number, why in Console.error("kafka-inbox: \(name) line \(number): \(why) — not sent") }
        let outcome: NotificationFileSender.Outcome
        do { outcome = try sender.send(fd: fd, name: name) } catch let e as SystemError { throw unreadable(path, e) }
        noteUnconfigured(outcome.unconfiguredKinds, settings: settings)
        Console.out("delivered \(outcome.delivered) of \(outcome.sent + outcome.badLines)")
        for (topic, why) in outcome.failures { Console.error("kafka-inbox: not delivered to \(topic): \(why)") }
        if outcome.failed > 0 {
            throw CommandFailure(message: "\(outcome.failed) notification(s) were not confirmed by \(settings.kafka.brokers)",
                                 exit: ExitStatus.deliveryFailed)
        }
        if outcome.badLines > 0 {
            throw CommandFailure(message: "\(outcome.badLines) line(s) were not valid notifications and were not sent", exit: ExitStatus.dataError)
        }
    }

    private func unreadable(_ path: String, _ error: SystemError) -> CommandFailure {
        let why: String
        switch error.errno {
        case ENOENT: why = "no such file"
        case EACCES, EPERM: why = "permission denied"
        case EISDIR: why = "it is a directory, not a file"
        default: why = String(cString: strerror(error.errno))
        }
        return CommandFailure(message: "cannot read \(path == "-" ? "stdin" : path): \(why)", exit: ExitStatus.noInput)
    }

    /// A note for kinds readers would not show without `--kinds` or a pattern.
    private func noteUnconfigured(_ kinds: some Collection<Kind>, settings: Settings) {
        let unconfigured = Set(kinds).subtracting(settings.layout.kinds).sorted()
        if !unconfigured.isEmpty && settings.layout.patterns.isEmpty {
            Console.error("kafka-inbox: note: kind \(unconfigured.map(\.rawValue).joined(separator: ", ")) is not one of the configured "
                + "kinds (\(settings.layout.kinds.map(\.rawValue).joined(separator: ", "))); readers show it only with "
                + "--kinds or a [topics] pattern")
        }
    }
}

/// Creates topics through the Admin API (only when asked: `--create-topics`, `broker`, `demo`).
struct TopicCreator {
    let settings: Settings

    func create(_ names: [String], partitions: Int32) throws {
        do {
            let admin = try KafkaAdmin(config: settings.kafkaConfig())
            try admin.createTopics(names, partitions: partitions, timeoutMs: settings.timeoutMs)
        } catch let e as KafkaError {
            if e.isUnreachable {
                // The cluster answered metadata (send checks first) but not CreateTopics in time:
                // librdkafka's embedded broker, for one, never answers it.
                throw CommandFailure(message: "\(e.reason). The broker did not create the topics; librdkafka's embedded broker "
                    + "cannot (start it with `kafka-inbox broker --user NAME` or `--topics`), others may need the topics made by an admin.",
                    exit: ExitCode.failure)
            }
            throw CommandFailure(message: e.reason, exit: ExitCode.failure)
        }
    }
}
