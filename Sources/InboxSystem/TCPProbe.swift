#if canImport(Glibc)
import Glibc
#endif

/// A quick look at whether anything listens at a cluster's bootstrap addresses, before a
/// Kafka client waits out its whole timeout: a refused connection is known at once.
public enum TCPProbe {
    /// What the bootstrap addresses said.
    public enum Result: Sendable, Equatable {
        /// Something accepted a connection (it may still not be Kafka).
        case listening
        /// Every address refused the connection or cannot be reached.
        case refused
        /// No address name resolves.
        case unresolved
        /// No answer within the wait: leave it to the Kafka client.
        case silent
    }

    /// Probes every `host:port` of `bootstrap` (comma-separated), waiting at most `timeoutMs` for each.
    /// `SASL_SSL://host:port` and a host without a port (librdkafka's default 9092) are understood.
    public static func probe(_ bootstrap: String, timeoutMs: Int32 = 500) -> Result {
        var sawSilence = false, sawRefusal = false
        var left = 4  // addresses tried at most: a bounded wait however many names resolve
        for server in bootstrap.split(separator: ",") {
            var text = Substring(server.filter { $0 != " " })
            if let scheme = text.firstRange(of: "://") { text = text[scheme.upperBound...] }
            var host = String(text), port = "9092"
            if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]"), Int(text[text.index(after: colon)...]) != nil {
                host = String(text[..<colon])
                port = String(text[text.index(after: colon)...])
            }
            host = host.trimmingBrackets
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, port, &hints, &list) == 0, let first = list else { continue }
            defer { freeaddrinfo(list) }
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let a = entry, left > 0 {
                left -= 1
                switch connect(a.pointee, timeoutMs: timeoutMs) {
                case .listening: return .listening
                case .refused: sawRefusal = true
                default: sawSilence = true
                }
                entry = a.pointee.ai_next
            }
        }
        if sawSilence { return .silent }
        return sawRefusal ? .refused : .unresolved
    }

    private static func connect(_ a: addrinfo, timeoutMs: Int32) -> Result {
        let fd = socket(a.ai_family, a.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), a.ai_protocol)
        guard fd >= 0 else { return .silent }
        defer { close(fd) }
        if Glibc.connect(fd, a.ai_addr, a.ai_addrlen) == 0 { return .listening }
        let started = errno
        if started == ECONNREFUSED || started == ENETUNREACH || started == EHOSTUNREACH { return .refused }
        guard started == EINPROGRESS else { return .silent }
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&p, 1, timeoutMs) == 1 else { return .silent }
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        if err == 0 { return .listening }
        return err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH ? .refused : .silent
    }
}

private extension String {
    /// `[::1]` → `::1`.
    var trimmingBrackets: String { hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self }
}
