import Foundation
import InboxSystem
import Synchronization

/// Listens on a fixed loopback port and relays each connection to the embedded broker's
/// own (random) port. Kafka clients bootstrap through it; the broker's metadata then points
/// them at its real address, so only bootstrap traffic passes here. Each connection is
/// relayed by its own two threads (one per direction), so a slow peer stalls only itself.
final class TCPForwarder: @unchecked Sendable {
    private let listener: Int32
    private let target: UInt16
    /// The port actually listened on.
    let port: UInt16

    /// Binds 127.0.0.1:`port` (0 = any free port).
    init(port: UInt16, forwardingTo target: UInt16) throws(SystemError) {
        let listener = try SystemError.check("socket") { socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port)
        do {
            try SystemError.check("bind 127.0.0.1:\(port)") {
                withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            }
            try SystemError.check("listen") { Glibc.listen(listener, 64) }
        } catch {
            close(listener)
            throw error
        }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        self.port = UInt16(bigEndian: bound.sin_port)
        self.target = target
    }

    /// Accepts connections on a background thread until the process ends.
    func start() {
        let thread = Thread { [self] in self.acceptLoop() }
        thread.name = "tcp-forwarder"
        thread.start()
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    private func acceptLoop() {
        while true {
            guard let client = try? SystemError.check("accept", { accept(listener, nil, nil) }) else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            guard let upstream = try? connectUpstream() else {
                close(client)
                continue
            }
            let pair = Connection(client, upstream)
            Self.relay(from: client, to: upstream, pair)
            Self.relay(from: upstream, to: client, pair)
        }
    }

    private func connectUpstream() throws(SystemError) -> Int32 {
        let fd = try SystemError.check("socket") { socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        var addr = Self.loopback(target)
        do {
            try SystemError.check("connect 127.0.0.1:\(target)") {
                withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Both sockets of one relayed connection, closed when both directions have ended (so no
    /// thread writes to a descriptor number already reused).
    private final class Connection: Sendable {
        let fds: (Int32, Int32)
        private let running = Mutex(2)
        init(_ a: Int32, _ b: Int32) { fds = (a, b) }
        func directionEnded() {
            if running.withLock({ $0 -= 1; return $0 }) == 0 {
                close(fds.0)
                close(fds.1)
            }
        }
    }

    /// Copies `source` to `sink` on a thread of its own until either side ends; then shuts
    /// both down (which ends the opposite direction's thread too).
    private static func relay(from source: Int32, to sink: Int32, _ connection: Connection) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                guard let n = try? SystemError.check("read", { read(source, &buffer, buffer.count) }), n > 0 else { break }
                // send(MSG_NOSIGNAL): a peer gone while we write is an error here, not a SIGPIPE
                // that would end the broker process.
                var sent = 0
                while sent < n, let w = try? SystemError.check("send", { buffer.withUnsafeBytes { send(sink, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) } }), w > 0 {
                    sent += w
                }
                if sent < n { break }
            }
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(sink, Int32(SHUT_RDWR))
            connection.directionEnded()
        }
        thread.name = "tcp-relay"
        thread.start()
    }
}
