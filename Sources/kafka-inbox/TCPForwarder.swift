import Foundation

/// A syscall failure with its errno.
struct SystemError: Error, CustomStringConvertible {
    let call: String
    let errno: Int32
    var description: String { "\(call): \(String(cString: strerror(errno)))" }

    /// Runs a syscall returning -1 on failure, retrying on EINTR.
    @discardableResult
    static func check(_ call: String, _ body: () -> Int32) throws -> Int32 {
        while true {
            let r = body()
            if r != -1 { return r }
            if Glibc.errno == EINTR { continue }
            throw SystemError(call: call, errno: Glibc.errno)
        }
    }
}

/// Listens on a fixed loopback port and relays each connection to the embedded broker's
/// own (random) port. Kafka clients bootstrap through it; the broker's metadata then points
/// them at its real address, so only bootstrap traffic passes here.
final class TCPForwarder: @unchecked Sendable {
    private let listener: Int32
    private let target: UInt16
    /// The port actually listened on.
    let port: UInt16

    /// Binds 127.0.0.1:`port` (0 = any free port).
    init(port: UInt16, forwardingTo target: UInt16) throws {
        let listener = try SystemError.check("socket") { socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
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

    /// Relays connections on a background thread until the process ends.
    func start() {
        let thread = Thread { [self] in self.loop() }
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

    private func loop() {
        var peer: [Int32: Int32] = [:]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            fds += peer.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard (try? SystemError.check("poll") { poll(&fds, nfds_t(fds.count), -1) }) != nil else { continue }
            for p in fds where p.revents != 0 {
                if p.fd == listener {
                    let client = accept(listener, nil, nil)
                    guard client >= 0 else { continue }
                    let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    var addr = Self.loopback(target)
                    let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
                    if ok { peer[client] = upstream; peer[upstream] = client } else { close(client); close(upstream) }
                    continue
                }
                guard let other = peer[p.fd] else { continue }
                let n = read(p.fd, &buffer, buffer.count)
                var sent = 0
                while n > 0 && sent < n {
                    let w = buffer.withUnsafeBytes { write(other, $0.baseAddress! + sent, n - sent) }
                    if w <= 0 { break }
                    sent += w
                }
                if n <= 0 || sent < n {
                    close(p.fd); close(other)
                    peer[p.fd] = nil; peer[other] = nil
                }
            }
        }
    }
}
