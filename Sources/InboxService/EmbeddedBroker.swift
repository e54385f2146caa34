import Foundation
import KafkaKit

/// The embedded broker plus an optional fixed-port forwarder, shared by `broker` and `demo`.
public final class EmbeddedBroker {
    public let cluster: MockCluster
    private let forwarder: TCPForwarder?
    /// The address clients should bootstrap on.
    public let bootstrap: String
    /// The topics created at start, with their partition counts.
    public let topics: [(name: String, partitions: Int32)]

    /// Starts a cluster of `brokers` brokers with `topics` (replicated on up to 3 of them);
    /// with `port`, clients bootstrap on that fixed port (forwarded to broker 1).
    public init(port: UInt16?, topics: [String], partitions: Int32, brokers: Int32 = 1) throws(ServiceError) {
        KafkaLog.redirect(to: 2, level: 3)
        self.topics = topics.map { ($0, partitions) }
        do {
            cluster = try MockCluster(brokers: brokers)
            for t in topics { try cluster.createTopic(t, partitions: partitions) }
        } catch {
            throw .failed("embedded broker: \((error as? KafkaError)?.reason ?? "\(error)")")
        }
        if let port {
            let real = cluster.bootstrapServers.split(separator: ",")[0]
            guard let targetPort = real.split(separator: ":").last.flatMap({ UInt16($0) }) else {
                throw .failed("embedded broker: unexpected address \(real)")
            }
            do {
                let f = try TCPForwarder(port: port, forwardingTo: targetPort)
                f.start()
                forwarder = f
                bootstrap = "127.0.0.1:\(f.port)"
            } catch {
                throw .unreachable("cannot listen on 127.0.0.1:\(port): \(error) — is another broker running? Try another --port.")
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
    public static func blockTerminationSignals() {
        var set = terminationSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks until SIGINT, SIGTERM or SIGHUP; returns the signal's name.
    public static func waitForTermination() -> String {
        var set = terminationSignals
        var sig: Int32 = 0
        sigwait(&set, &sig)
        return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP"
    }
}
