import Foundation

/// Decides which process replays an outbox's older entries: the one holding an exclusive
/// `flock` on `<outbox>.lock` (the open inbox for its lifetime, a one-shot command while it
/// runs). Others still write and deliver their own new receipts. The lock dies with its
/// process (also on `kill -9`), so a crashed holder never blocks anyone.
public final class SenderLock: Sendable {
    private let fd: Int32

    /// Takes the lock if it is free; nil when another process holds it.
    public init?(outboxPath: String) {
        let fd = open(outboxPath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
