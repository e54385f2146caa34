#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: its name and `errno`.
public struct PosixError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call that failed (`pipe`, `poll`, …).
    public var call: String
    /// The `errno` value it left.
    public var code: Int32

    /// Creates an error.
    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    public var description: String {
        "\(call): \(String(cString: strerror(code)))"
    }
}

/// Small wrappers around the system calls the TUI uses; each maps `errno` to `PosixError`.
enum Posix {
    /// Whether an error means "try again later" on a non-blocking descriptor.
    static func isWouldBlock(_ code: Int32) -> Bool { code == EAGAIN || code == EWOULDBLOCK }

    /// A pipe with both ends non-blocking and close-on-exec.
    static func pipe() throws(PosixError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        if Glibc.pipe(&fds) != 0 { throw PosixError(call: "pipe", code: errno) }
        for fd in fds {
            let flags = fcntl(fd, F_GETFL)
            if flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0
                || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 {
                let code = errno
                close(fds[0]); close(fds[1])
                throw PosixError(call: "fcntl", code: code)
            }
        }
        return (fds[0], fds[1])
    }

    /// Writes one byte; `false` when the descriptor would block (pipe full).
    @discardableResult
    static func writeByte(_ fd: Int32) throws(PosixError) -> Bool {
        var byte: UInt8 = 1
        while true {
            let n = Glibc.write(fd, &byte, 1)
            if n == 1 { return true }
            let code = errno
            if code == EINTR { continue }
            if isWouldBlock(code) { return false }
            throw PosixError(call: "write", code: code)
        }
    }

    /// Reads and discards everything a non-blocking descriptor holds.
    static func drain(_ fd: Int32) throws(PosixError) {
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { continue }
            if n == 0 { return }
            let code = errno
            if code == EINTR { continue }
            if isWouldBlock(code) { return }
            throw PosixError(call: "read", code: code)
        }
    }

    /// Waits for any of `fds` to become readable; returns each one's `revents`, in order.
    /// A signal interrupting the wait returns all zero. `timeoutMs` < 0 waits for ever.
    static func poll(_ fds: [Int32], timeoutMs: Int32) throws(PosixError) -> [Int16] {
        var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let n = Glibc.poll(&entries, nfds_t(entries.count), timeoutMs)
        if n < 0 {
            let code = errno
            if code == EINTR { return fds.map { _ in 0 } }
            throw PosixError(call: "poll", code: code)
        }
        return entries.map(\.revents)
    }

    /// Milliseconds since the epoch, from the real-time clock.
    static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
