import ArgumentParser
import Foundation
import InboxCore
import KafkaKit

/// `kafka-inbox broker`: librdkafka's embedded Kafka-protocol broker in the foreground.
struct BrokerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run an embedded development broker on 127.0.0.1 until Ctrl-C.",
        discussion: """
        Prints the bootstrap address on stdout (first line), then serves Kafka clients (kcat, kafka-inbox, your app).
        Data is kept in memory only, about the newest 5 MB per partition. No log compaction.
        \(BrokerControl.help)
        """)

    @Option(help: "Fixed port for clients to bootstrap on (default: a free port).") var port: UInt16?
    @Option(help: "Partitions of each topic created.") var partitions: Int32 = 3
    @Option(help: ArgumentHelp("Topics to create, comma-separated.", valueName: "list")) var topics: String?
    @Option(name: [.customShort("u"), .long], help: "Create this user's standard topics (repeatable).") var user: [String] = []
    @Flag(help: "Read fault-injection commands from stdin (see below).") var control = false

    func validate() throws {
        if partitions < 1 || partitions > 10_000 { throw ValidationError("--partitions must be 1…10000") }
    }

    func run() throws {
        try runReportingFailures {
            // Here, not in validate(): a CommandFailure from validate() exits 1 instead of 78.
            for u in user { try Settings.checkUserName(u, origin: "--user") }
            var names = topics.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
            let layout = TopicLayout()
            for u in user { names += layout.topics(user: u) + [layout.receiptsTopic(user: u)] }
            EmbeddedBroker.blockTerminationSignals()
            let broker = try EmbeddedBroker(port: port, topics: names, partitions: partitions)
            Console.out(broker.bootstrap)
            Console.error("kafka-inbox: embedded broker listening on \(broker.bootstrap)"
                + (names.isEmpty ? "" : " with topics \(names.joined(separator: ", "))") + "; Ctrl-C stops it")
            if control { BrokerControl(cluster: broker.cluster).start() }
            let signal = EmbeddedBroker.waitForTermination()
            Console.error("kafka-inbox: stopping the broker (\(signal))")
            withExtendedLifetime(broker) {}
        }
    }
}

/// The embedded broker plus an optional fixed-port forwarder, shared by `broker` and `demo`.
final class EmbeddedBroker {
    let cluster: MockCluster
    private let forwarder: TCPForwarder?
    /// The address clients should bootstrap on.
    let bootstrap: String

    init(port: UInt16?, topics: [String], partitions: Int32) throws {
        KafkaLog.redirect(to: 2, level: 3)
        do {
            cluster = try MockCluster()
            for t in topics { try cluster.createTopic(t, partitions: partitions) }
        } catch let e as KafkaError {
            throw CommandFailure(message: "embedded broker: \(e.reason)", exit: .failure)
        }
        if let port {
            let real = cluster.bootstrapServers.split(separator: ",")[0]
            guard let targetPort = real.split(separator: ":").last.flatMap({ UInt16($0) }) else {
                throw CommandFailure(message: "embedded broker: unexpected address \(real)", exit: .failure)
            }
            do {
                let f = try TCPForwarder(port: port, forwardingTo: targetPort)
                f.start()
                forwarder = f
                bootstrap = "127.0.0.1:\(f.port)"
            } catch let e as SystemError {
                throw CommandFailure(message: "cannot listen on 127.0.0.1:\(port): \(e) — is another broker running? Try another --port.",
                                     exit: ExitStatus.unavailable)
            }
        } else {
            forwarder = nil
            bootstrap = cluster.bootstrapServers
        }
    }

    private static var terminationSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        return set
    }

    /// Blocks SIGINT/SIGTERM/SIGHUP in this thread and every thread started after it
    /// (librdkafka's), so that `waitForTermination` receives them.
    static func blockTerminationSignals() {
        var set = terminationSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks until SIGINT, SIGTERM or SIGHUP; returns the signal's name.
    static func waitForTermination() -> String {
        var set = terminationSignals
        var sig: Int32 = 0
        sigwait(&set, &sig)
        return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP"
    }
}
