import Foundation
import KafkaKit
import Synchronization

/// `kafka-inbox broker --control`: fault injection driven by lines on standard input, for
/// tests and demos of failure handling. Each command is answered on stdout with one line,
/// `ok <command>` or `error <reason>`, after it took effect:
///
///     down [BROKER]                 take broker BROKER (default 1) down
///     up [BROKER]                   bring it back
///     leader TOPIC PARTITION BROKER move a partition's leader to BROKER
///     rotate-leaders                move every partition's leader to another broker
///     coordinator GROUP BROKER      move a consumer group's coordinator to BROKER
///     rtt MS [BROKER]               delay every response by MS milliseconds (0 = none)
///     produce-errors N [ERROR]      fail the next N produce requests with ERROR
///     clear-produce-errors          drop produce errors still queued
///
/// ERROR is a librdkafka code number or one of `request-timed-out` (retriable, the
/// default), `not-leader`, `topic-authorization-failed`, `message-too-large`, `invalid-record`.
public final class BrokerControl: Sendable {
    let cluster: MockCluster
    let topics: [(name: String, partitions: Int32)]
    /// How far `rotate-leaders` has turned the leaders.
    private let rotation = Mutex<Int32>(0)

    /// Control of `cluster`, whose `topics` `rotate-leaders` moves.
    public init(cluster: MockCluster, topics: [(name: String, partitions: Int32)] = []) {
        self.cluster = cluster
        self.topics = topics
    }

    /// The commands, for `broker --help`.
    public static let help = """
        With --control, reads commands from stdin, one per line, answering `ok …` or `error …` on stdout: \
        down [BROKER] | up [BROKER] | leader TOPIC PARTITION BROKER (move a partition's leader) | \
        rotate-leaders (every partition's leader to the next broker) | coordinator GROUP BROKER | rtt MS [BROKER] | produce-errors N [ERROR] | clear-produce-errors. \
        ERROR: request-timed-out (default), not-leader, topic-authorization-failed, message-too-large, \
        invalid-record, or a number.
        """

    /// Reads commands until end of input, on a thread of its own.
    public func start() {
        let thread = Thread { [self] in
            while let line = readLine() {
                let reply = execute(line)
                FileHandle.standardOutput.write(Data((reply + "\n").utf8))
            }
        }
        thread.name = "broker-control"
        thread.start()
    }

    /// Runs one command; returns the reply line.
    public func execute(_ line: String) -> String {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = words.first else { return "error empty command" }
        let args = Array(words.dropFirst())
        func broker(_ index: Int) -> Int32? { args.count > index ? Int32(args[index]) : 1 }
        do {
            switch verb {
            case "down", "up":
                guard let id = broker(0) else { return "error bad broker id" }
                try cluster.setBroker(id, up: verb == "up")
            case "leader":
                guard args.count == 3, let partition = Int32(args[1]), let id = Int32(args[2]) else {
                    return "error usage: leader TOPIC PARTITION BROKER"
                }
                try cluster.setLeader(topic: args[0], partition: partition, broker: id)
            case "rotate-leaders":
                let turn = rotation.withLock { value -> Int32 in
                    value += 1
                    return value
                }
                let n = cluster.brokerCount
                for t in topics {
                    for p in 0..<t.partitions { try cluster.setLeader(topic: t.name, partition: p, broker: (p + turn) % n + 1) }
                }
            case "coordinator":
                guard args.count == 2, let id = Int32(args[1]) else { return "error usage: coordinator GROUP BROKER" }
                try cluster.setGroupCoordinator(args[0], broker: id)
            case "rtt":
                guard let ms = args.first.flatMap({ Int32($0) }), ms >= 0, let id = broker(1) else { return "error usage: rtt MS [BROKER]" }
                try cluster.setRoundTripTime(ms, broker: id)
            case "produce-errors":
                guard let n = args.first.flatMap({ Int($0) }), n > 0, n <= 100_000 else { return "error usage: produce-errors N [ERROR]" }
                guard let code = Self.code(args.count > 1 ? args[1] : "request-timed-out") else { return "error unknown error \(args[1])" }
                cluster.pushRequestErrors(apiKey: KafkaAPIKey.produce, errors: Array(repeating: code, count: n))
            case "clear-produce-errors":
                cluster.clearRequestErrors(apiKey: KafkaAPIKey.produce)
            default:
                return "error unknown command \(verb)"
            }
        } catch {
            return "error \(error)"
        }
        return "ok \(words.joined(separator: " "))"
    }

    private static func code(_ name: String) -> Int32? {
        switch name {
        case "request-timed-out": return KafkaErrorCode.requestTimedOut
        case "not-leader": return KafkaErrorCode.notLeaderForPartition
        case "topic-authorization-failed": return KafkaErrorCode.topicAuthorizationFailed
        case "message-too-large": return KafkaErrorCode.messageTooLarge
        case "invalid-record": return KafkaErrorCode.invalidRecord
        default: return Int32(name)
        }
    }
}
