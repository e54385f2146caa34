import InboxSystem
#if canImport(Glibc)
import Glibc
#endif

/// Why the state directory cannot keep what kafka-inbox writes there (the outbox journal,
/// the snapshot): full, read-only, missing, over a quota or a file-size limit. Says it in
/// words a user can act on; two troubles with the same errno are the same cause (so each
/// cause is reported once, not once per attempt).
public struct StorageTrouble: Sendable, Hashable, CustomStringConvertible {
    /// The state directory.
    public let directory: String
    /// The `errno` (0 when the error was not a system call's).
    public let errno: Int32
    /// The failed call and its error, as the system said it.
    public let detail: String

    /// The trouble `error` (usually a `SystemError`) means for `directory`.
    public init(_ error: any Error, directory: String) {
        self.directory = directory
        if let e = error as? SystemError {
            errno = e.errno
        } else {
            errno = 0
        }
        detail = "\(error)"
    }

    /// What is wrong, shortly: `state dir full: ENOSPC`.
    public var cause: String {
        let name = SystemError(call: "", errno: errno).errnoName
        switch errno {
        case 0: return "state dir unusable: \(detail)"
        case ENOSPC: return "state dir full: ENOSPC"
        case EDQUOT: return "disk quota exceeded: EDQUOT"
        case EFBIG: return "file size limit reached: EFBIG"
        case EROFS: return "state dir read-only: EROFS"
        case EACCES, EPERM: return "state dir not writable: \(name)"
        case ENOTDIR, ENOENT: return "state dir cannot be created: \(name)"
        default: return "state dir unusable: \(name)"
        }
    }

    /// What to do about it.
    public var fix: String {
        switch errno {
        case ENOSPC, EDQUOT, EFBIG: return "free space in \(directory) or set XDG_STATE_HOME to a directory with room"
        default: return "make \(directory) writable or set XDG_STATE_HOME to a writable directory"
        }
    }

    /// The inbox's status-line message: what this means for receipts and what happens instead.
    public var inboxMessage: String {
        "receipts not saved locally (\(cause)) — sending straight to Kafka; quitting before they are confirmed loses them"
    }

    /// A command's warning: what this means for its receipts and what it does instead.
    public var commandMessage: String {
        "receipts not saved locally (\(cause); \(detail)) — delivering straight to Kafka and waiting for the broker's confirmation"
    }

    /// What is said of `count` receipts neither saved locally nor confirmed by the broker.
    public func lostMessage(_ count: Int, brokers: String) -> String {
        "\(count) receipt(s) not confirmed by \(brokers) and not saved locally (\(cause)): they are lost; "
            + "do it again once the broker answers; fix: \(fix)"
    }

    /// The cause and its detail, e.g. "state dir full: ENOSPC (…)".
    public var description: String { "\(cause) (\(detail))" }

    /// Creates `directory` if need be and writes a small file in it (then removes it):
    /// the trouble found, or nil when it takes files.
    public static func probe(_ directory: String) -> StorageTrouble? {
        do {
            try Posix.makeDirectories(directory)
            let probe = directory + "/.write-test-\(getpid())"
            try AtomicFile.replace(probe, with: Array("kafka-inbox doctor\n".utf8))
            try Posix.remove(probe)
            return nil
        } catch {
            return StorageTrouble(error, directory: directory)
        }
    }
}
