import Foundation
import InboxCore
import InboxFeed
import InboxSystem
import KafkaKit

/// One finding of `kafka-inbox doctor`.
public struct DoctorCheck: Sendable {
    /// Good, bad, or not known (the broker cannot tell, or it is only information).
    public enum Verdict: Sendable { case ok, problem, unknown }
    public var verdict: Verdict
    /// What was checked and what was found.
    public var text: String
    /// What to do about a problem.
    public var fix: String?
}

/// Checks everything kafka-inbox depends on, in the order a person would: configuration,
/// brokers, authentication, topics and their policy, the local outbox and snapshot, the
/// library. Each check says what it found and, when something is wrong, how to fix it.
public struct Doctor {
    let settings: Settings

    /// A doctor for `settings`.
    public init(settings: Settings) { self.settings = settings }

    /// Runs every check; `report` gets each as it is made.
    public func run(_ report: (DoctorCheck) -> Void) {
        func ok(_ t: String) { report(DoctorCheck(verdict: .ok, text: t)) }
        func bad(_ t: String, _ fix: String) { report(DoctorCheck(verdict: .problem, text: t, fix: fix)) }
        func unknown(_ t: String, _ fix: String? = nil) { report(DoctorCheck(verdict: .unknown, text: t, fix: fix)) }

        unknown("configuration: " + (settings.configPath.map { "config file \($0)" } ?? "no config file (defaults, flags and environment)"))
        // The settings a person asks about first, with where each came from; others (secrets
        // among them) only by name.
        let shown: Set<String> = ["bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.mechanisms", "sasl.username",
                                  "ssl.ca.location", "ssl.certificate.location", "ssl.endpoint.identification.algorithm", "client.id"]
        for e in settings.kafka.entries where e.origin != "built-in default" || e.key == "bootstrap.servers" {
            unknown("  \(e.key) = \(shown.contains(e.key) ? TerminalText.sanitize(e.value) : "(set)")  (from \(e.origin))")
        }
        unknown("  user \(TerminalText.sanitize(settings.user)); topics \(settings.layout.notificationTemplate) × \(settings.layout.kinds.map(\.rawValue).joined(separator: ",")), receipts \(settings.receiptsTopic)"
            + (settings.schema != nil ? "; a [schema] mapping" : ""))

        var anyListening = false
        for server in settings.kafka.brokers.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch TCPProbe.probe(server, timeoutMs: 1000) {
            case .listening: ok("broker \(server) accepts connections"); anyListening = true
            case .refused: bad("broker \(server): connection refused", "start the broker, or give the right address with --brokers / KAFKA_INBOX_BROKERS / brokers =")
            case .unresolved: bad("broker \(server): the name does not resolve", "check the host name in --brokers / brokers =")
            case .silent: unknown("broker \(server): no answer within 1 s (a firewall, or a slow network)")
            }
        }
        guard anyListening else {
            bad("the cluster at \(settings.kafka.brokers) cannot be reached: nothing more can be checked", "see the brokers above")
            local(report)
            return
        }
        let reader: InboxReader
        do { reader = try settings.startReader(kinds: nil) } catch {
            switch error {
            case .authentication(let m): bad(m, "check sasl.username / sasl.password / the certificates in [kafka] or -X")
            default: bad(error.message, "check the brokers and [kafka] settings")
            }
            local(report)
            return
        }
        defer { reader.close() }
        ok("metadata answered by \(settings.kafka.brokers) (authentication, if any, accepted)")
        let topics = (try? reader.consumer.client.topics(timeoutMs: settings.timeoutMs)) ?? []
        let byName = Dictionary(topics.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in settings.notificationTopics() {
            if let t = byName[name], t.errorCode == 0 {
                ok("notification topic \(name): \(t.partitions.count) partition(s)")
            } else {
                bad("notification topic \(name) does not exist", "the producer creates it; for a test, `kafka-inbox send --create-topics`; or fix --user / [topics] notifications")
            }
        }
        let receipts = settings.receiptsTopic
        if let t = byName[receipts], t.errorCode == 0 {
            ok("receipts topic \(receipts): \(t.partitions.count) partition(s)")
            compaction(receipts, report)
        } else {
            bad("receipts topic \(receipts) does not exist: read state cannot be kept",
                "create it log-compacted, e.g. kafka-topics --create --topic \(receipts) --config cleanup.policy=compact")
        }
        unknown("rights: reading the topics worked (watermarks answered); writing \(receipts) is proven by the first receipt — "
            + "this client does not ask the broker to describe its ACLs")
        local(report)
    }

    private func compaction(_ topic: String, _ report: (DoctorCheck) -> Void) {
        do {
            let config = try KafkaAdmin(config: settings.kafkaConfig()).topicConfig(topic, timeoutMs: min(settings.timeoutMs, 5000))
            if (config["cleanup.policy"] ?? "").contains("compact") {
                report(DoctorCheck(verdict: .ok, text: "receipts topic \(topic) is log-compacted (cleanup.policy=\(config["cleanup.policy"]!))"))
            } else {
                report(DoctorCheck(verdict: .problem, text: "receipts topic \(topic) has cleanup.policy=\(config["cleanup.policy"] ?? "delete"): read state is lost when retention expires",
                                   fix: "kafka-configs --alter --entity-type topics --entity-name \(topic) --add-config cleanup.policy=compact"))
            }
        } catch {
            report(DoctorCheck(verdict: .unknown, text: "receipts topic \(topic): the broker does not describe its configuration (\((error as? KafkaError)?.reason ?? "\(error)"))"
                + " — librdkafka's embedded broker never does; on a real cluster make sure cleanup.policy=compact"))
        }
    }

    /// The outbox, the snapshot and the library: no broker needed.
    private func local(_ report: (DoctorCheck) -> Void) {
        if let trouble = StorageTrouble.probe(settings.state.directory) {
            report(DoctorCheck(verdict: .problem, text: "state directory \(settings.state.directory): \(trouble.cause) (\(trouble.detail)): "
                + "receipts are not saved locally (sent straight to Kafka) and no snapshot is kept", fix: trouble.fix))
        }
        let outboxPath = settings.outboxPath
        if FileManager.default.fileExists(atPath: outboxPath) {
            do {
                let box = try Outbox(path: outboxPath)
                let pending = try box.pending().count
                if box.damagedAtOpen > 0 {
                    report(DoctorCheck(verdict: .problem, text: "outbox \(outboxPath): \(box.damagedAtOpen) damaged line(s), \(pending) receipt(s) pending",
                                       fix: "the damaged lines were copied to \(outboxPath).damaged and dropped; look at them, then delete that file"))
                } else {
                    report(DoctorCheck(verdict: pending == 0 ? .ok : .unknown,
                                       text: "outbox \(outboxPath): \(pending) receipt(s) pending" + (pending > 0 ? " (sent by the next kafka-inbox command)" : "")))
                }
            } catch {
                report(DoctorCheck(verdict: .problem, text: "outbox \(outboxPath) cannot be opened: \(error)", fix: "check the permissions of \(settings.state.directory)"))
            }
        } else {
            report(DoctorCheck(verdict: .ok, text: "outbox: nothing pending (no file yet at \(outboxPath))"))
        }
        let store = SnapshotStore(path: settings.snapshotPath)
        switch store.load() {
        case .none: report(DoctorCheck(verdict: .ok, text: "snapshot: none yet (\(store.path))"))
        case .unusable(let why): report(DoctorCheck(verdict: .problem, text: "snapshot \(store.path) is unusable: \(why)", fix: "delete it; the next start rebuilds it from Kafka"))
        case .snapshot(let s, let bytes, _):
            let age = Timestamps.relativeAge(ms: s.header.writtenAtMs, nowMs: Timestamps.nowMs())
            if let why = SnapshotResume.mismatch(s.header, settings: settings) {
                report(DoctorCheck(verdict: .unknown, text: "snapshot \(store.path) does not apply (\(why)): the next start rebuilds it"))
            } else {
                report(DoctorCheck(verdict: .ok, text: "snapshot \(store.path): \(s.inbox.count) notifications, \(bytes) bytes, written \(age) ago"))
            }
        }
        report(DoctorCheck(verdict: .unknown, text: "librdkafka \(KafkaClient.libraryVersion) (features: \(KafkaClient.libraryFeatures))"))
    }
}
