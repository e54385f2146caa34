import ArgumentParser
import Foundation
import InboxCore
import InboxService
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
            var notifications: [OutgoingNotification] = []
            var badLines = 0
            if let file {
                let text = try readInput(file)
                // "\r\n" is one Character in Swift: splitting on "\n" alone kept a CRLF file as one bad line.
                let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                for (n, line) in lines.enumerated() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty { continue }
                    do {
                        notifications.append(try OutgoingNotification.fromJSONLine(trimmed, defaultUser: settings.user,
                                                                                   defaultKind: kind.map(Kind.init(rawValue:))))
                    } catch {
                        badLines += 1
                        Console.error("kafka-inbox: \(file == "-" ? "stdin" : file) line \(n + 1): \(error) — not sent")
                    }
                }
            } else {
                notifications.append(OutgoingNotification(
                    id: id ?? IDGenerator.next(), kind: Kind(rawValue: kind ?? "owner"), user: settings.user,
                    title: title ?? "", body: body, actor: actor, url: url, createdAtMs: Timestamps.nowMs()))
            }
            if createTopics {
                let users = Set(notifications.map(\.user))
                var names: [String] = []
                for user in users.sorted() {
                    names += settings.layout.topics(user: user) + [settings.layout.receiptsTopic(user: user)]
                    names += Set(notifications.filter { $0.user == user }.map { settings.layout.topic(user: user, kind: $0.kind) })
                }
                try TopicCreator(settings: settings).create(Array(Set(names)).sorted(), partitions: partitions)
            }
            let unconfigured = Set(notifications.map(\.kind)).subtracting(settings.layout.kinds).sorted()
            if !unconfigured.isEmpty && settings.layout.patterns.isEmpty {
                Console.error("kafka-inbox: note: kind \(unconfigured.map(\.rawValue).joined(separator: ", ")) is not one of the configured "
                    + "kinds (\(settings.layout.kinds.map(\.rawValue).joined(separator: ", "))); readers show it only with "
                    + "--kinds or a [topics] pattern")
            }
            let messages = notifications.map {
                OutgoingMessage(topic: settings.layout.topic(user: $0.user, kind: $0.kind), key: Array($0.id.utf8), value: $0.json())
            }
            let engine = try DeliveryEngine(settings: settings)
            if !messages.isEmpty { try engine.checkReachable() }
            let results = engine.deliver(messages)
            let failed = results.enumerated().compactMap { i, r in r.map { (messages[i].topic, $0) } }
            Console.out("delivered \(messages.count - failed.count) of \(messages.count + badLines)")
            for (topic, why) in failed.prefix(10) { Console.error("kafka-inbox: not delivered to \(topic): \(why)") }
            if !failed.isEmpty {
                throw CommandFailure(message: "\(failed.count) notification(s) were not confirmed by \(settings.kafka.brokers)",
                                     exit: ExitStatus.deliveryFailed)
            }
            if badLines > 0 {
                throw CommandFailure(message: "\(badLines) line(s) were not valid notifications and were not sent", exit: ExitStatus.dataError)
            }
        }
    }

    private func readInput(_ path: String) throws -> String {
        let data: Data?
        if path == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else { data = FileManager.default.contents(atPath: path) }
        guard let data else {
            let why = FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file"
            throw CommandFailure(message: "cannot read \(path): \(why)", exit: ExitStatus.noInput)
        }
        return String(decoding: data, as: UTF8.self)
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
