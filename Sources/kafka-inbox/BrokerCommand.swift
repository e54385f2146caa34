import ArgumentParser
import Foundation
import InboxCore
import InboxService
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
    @Option(help: ArgumentHelp("Brokers in the cluster (ids 1…N); partitions get up to 3 replicas and their leaders are spread over the brokers.",
                               valueName: "N")) var brokers: Int32 = 1
    @Option(help: ArgumentHelp("Topics to create, comma-separated.", valueName: "list")) var topics: String?
    @Option(name: [.customShort("u"), .long], help: "Create this user's standard topics (repeatable).") var user: [String] = []
    @Flag(help: "Read fault-injection commands from stdin (see below).") var control = false

    func validate() throws {
        if partitions < 1 || partitions > 10_000 { throw ValidationError("--partitions must be 1…10000") }
        if brokers < 1 || brokers > 16 { throw ValidationError("--brokers must be 1…16") }
    }

    func run() throws {
        try runReportingFailures {
            // Here, not in validate(): a CommandFailure from validate() exits 1 instead of 78.
            for u in user { try Settings.checkUserName(u, origin: "--user") }
            var names = topics.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
            let layout = TopicLayout()
            for u in user { names += layout.topics(user: u) + [layout.receiptsTopic(user: u)] }
            EmbeddedBroker.blockTerminationSignals()
            let broker = try EmbeddedBroker(port: port, topics: names, partitions: partitions, brokers: brokers)
            Console.out(broker.bootstrap)
            Console.error("kafka-inbox: embedded \(brokers == 1 ? "broker" : "cluster of \(brokers) brokers") listening on \(broker.bootstrap)"
                + (names.isEmpty ? "" : " with topics \(names.joined(separator: ", "))") + "; Ctrl-C stops it")
            if control { BrokerControl(cluster: broker.cluster, topics: broker.topics).start() }
            let signal = EmbeddedBroker.waitForTermination()
            Console.error("kafka-inbox: stopping the broker (\(signal))")
            withExtendedLifetime(broker) {}
        }
    }
}
