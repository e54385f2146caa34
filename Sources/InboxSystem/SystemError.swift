#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: what was called (with its path or address when that helps) and
/// the `errno` it left. The one error type of every wrapper in this module.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call that failed, e.g. `open /home/alice/.local/state/kafka-inbox/x`.
    public var call: String
    /// The `errno` value.
    public var errno: Int32

    /// Creates an error.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String { "\(call): \(String(cString: strerror(errno)))" }

    /// Whether the disk (or the user's quota) is full.
    public var isDiskFull: Bool { errno == ENOSPC || errno == EDQUOT }

    /// Runs a call that returns -1 and sets `errno` on failure; EINTR is retried here (the
    /// one place it is handled), unless `retryOnInterrupt` is false.
    @discardableResult
    public static func check<T: BinaryInteger>(_ call: @autoclosure () -> String, retryOnInterrupt: Bool = true,
                                               _ body: () -> T) throws(SystemError) -> T {
        while true {
            let r = body()
            if r != -1 { return r }
            let code = Glibc.errno
            if code == EINTR && retryOnInterrupt { continue }
            throw SystemError(call: call(), errno: code)
        }
    }
}
