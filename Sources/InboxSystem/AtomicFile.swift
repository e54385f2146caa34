#if canImport(Glibc)
import Glibc
#endif

/// The one way files are replaced here (the outbox's compaction, the snapshot): a new
/// file beside the old one, written and fsync'd, renamed over it, then the directory
/// fsync'd. A reader sees the old file or the new one, never a mix, also after power loss.
public enum AtomicFile {
    /// Replaces `path` with `bytes`. With `keepLocked`, the new file is opened read-write
    /// and append, locked (`flock(LOCK_EX)`) before the rename, and its descriptor returned
    /// still locked (the outbox keeps using it); otherwise nil is returned.
    @discardableResult
    public static func replace(_ path: String, with bytes: [UInt8], keepLocked: Bool = false) throws(SystemError) -> Int32? {
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let flags = keepLocked ? O_RDWR | O_APPEND : O_WRONLY
        let fd = try SystemError.check("open \(temp)") { open(temp, flags | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        do {
            if keepLocked { try SystemError.check("flock \(temp)") { flock(fd, LOCK_EX) } }
            try Posix.writeAll(fd, bytes, call: "write \(temp)")
            try SystemError.check("fsync \(temp)") { fsync(fd) }
            try SystemError.check("rename \(temp)") { rename(temp, path) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        Posix.syncDirectory(of: path)
        if keepLocked { return fd }
        close(fd)
        return nil
    }
}
