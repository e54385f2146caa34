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

    /// The errno's symbolic name (`ENOSPC`) for the codes a file system gives, else `errno N`.
    public var errnoName: String {
        let names: [Int32: String] = [
            ENOSPC: "ENOSPC", EDQUOT: "EDQUOT", EFBIG: "EFBIG", EROFS: "EROFS", EACCES: "EACCES", EPERM: "EPERM",
            ENOTDIR: "ENOTDIR", ENOENT: "ENOENT", EISDIR: "EISDIR", EIO: "EIO", ENAMETOOLONG: "ENAMETOOLONG",
            ELOOP: "ELOOP", EMFILE: "EMFILE", ENFILE: "ENFILE", EEXIST: "EEXIST", EBADF: "EBADF", EINVAL: "EINVAL",
        ]
        return names[errno] ?? "errno \(errno)"
    }

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
