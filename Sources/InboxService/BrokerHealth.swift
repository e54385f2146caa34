import InboxFeed
import InboxSystem

/// Which brokers of a cluster are failing, learnt from librdkafka's transport errors and
/// told as changes only: one line when a broker is lost, one when it answers again, however
/// often librdkafka retries in between. While one broker of several is down, the others
/// serve their partitions and the lost one's partitions wait.
public struct BrokerHealth: Sendable {
    /// Failing brokers: librdkafka's name (`host:port/ID`) → when it was last probed and
    /// when librdkafka last reported it failing.
    private var failing: [String: (probed: ContinuousClock.Instant, failed: ContinuousClock.Instant)] = [:]
    /// How often a failing broker is probed for a listener again.
    private let probeEvery: Duration

    /// A tracker probing failing brokers every `probeEvery`.
    public init(probeEvery: Duration = .seconds(1)) { self.probeEvery = probeEvery }

    /// A change worth one line.
    public enum Change: Sendable, Equatable {
        /// The broker named can no longer be reached.
        case lost(String)
        /// The broker named accepts connections again.
        case back(String)

        /// The line for a log or stderr.
        public var description: String {
            switch self {
            case .lost(let name): return "broker \(BrokerHealth.label(name)) unreachable: its partitions wait, retrying"
            case .back(let name): return "broker \(BrokerHealth.label(name)) is back"
            }
        }
    }

    /// The brokers failing now, sorted.
    public var down: [String] { failing.keys.sorted() }

    /// What the status line says while some brokers fail (nil: none).
    public var summary: String? {
        guard !failing.isEmpty else { return nil }
        let names = down.map(Self.label)
        return (names.count == 1 ? "broker \(names[0])" : "brokers \(names.joined(separator: ", "))")
            + " unreachable (retrying): \(names.count == 1 ? "its" : "their") partitions wait"
    }

    /// Takes in a condition; returns the change it makes, if any.
    public mutating func note(_ condition: ReaderCondition) -> Change? {
        guard case .brokerUnreachable(let name, _) = condition else { return nil }
        let now = ContinuousClock.now
        if let known = failing[name] {
            failing[name] = (known.probed, now)
            return nil
        }
        failing[name] = (now, now)
        return .lost(name)
    }

    /// Probes the failing brokers not probed for `probeEvery`; returns those that listen again
    /// and that librdkafka has not reported failing for `probeEvery` (a port that accepts
    /// connections while Kafka behind it does not answer is not "back").
    /// `listening` probes one `host:port` (a TCP connect of at most 200 ms, by default).
    public mutating func recheck(listening: (String) -> Bool = { TCPProbe.probe($0, timeoutMs: 200) == .listening }) -> [Change] {
        var changes: [Change] = []
        let now = ContinuousClock.now
        for (name, last) in failing where now - last.probed >= probeEvery && now - last.failed >= probeEvery {
            failing[name] = (now, last.failed)
            if listening(Self.address(name)) {
                failing[name] = nil
                changes.append(.back(name))
            }
        }
        return changes.sorted { $0.description < $1.description }
    }

    /// `host:port/ID` → `ID (host:port)`.
    static func label(_ name: String) -> String {
        guard let slash = name.lastIndex(of: "/") else { return name }
        return "\(name[name.index(after: slash)...]) (\(name[..<slash]))"
    }

    /// `host:port/ID` → `host:port`.
    static func address(_ name: String) -> String {
        guard let slash = name.lastIndex(of: "/") else { return name }
        return String(name[..<slash])
    }
}
