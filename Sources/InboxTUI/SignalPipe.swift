import InboxSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

private let signalWriteFD = Atomic<Int32>(-1)

private let forwardSignal: @convention(c) (Int32) -> Void = { sig in
    let fd = signalWriteFD.load(ordering: .relaxed)
    guard fd >= 0 else { return }
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: sig)
    _ = write(fd, &byte, 1)
    errno = saved
}

/// Turns signals (SIGINT, SIGTERM, SIGHUP, SIGWINCH) into bytes on a pipe the event loop
/// polls, so that nothing but a `write` happens inside a signal handler.
final class SignalPipe {
    /// The descriptor to poll.
    let readFD: Int32
    private let writeFD: Int32
    private let signals: [Int32]
    private var previous: [sigaction]

    /// Installs handlers for `signals`; only one `SignalPipe` may be installed at a time.
    init(signals: [Int32]) throws(SystemError) {
        let fds = try Posix.pipe()
        readFD = fds.read
        writeFD = fds.write
        self.signals = signals
        previous = []
        signalWriteFD.store(writeFD, ordering: .relaxed)
        // A parent may have started us with these signals blocked (the mask is inherited):
        // unblock them in this thread so that `kill` and tmux's kill-server still reach us.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in signals { sigaddset(&unblock, sig) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = forwardSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            sigaction(sig, &action, &old)
            previous.append(old)
        }
    }

    /// The signals received since the last call, in order.
    func drain() -> [Int32] {
        var out: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n > 0 {
                out.append(contentsOf: buffer[0..<n].map { Int32($0) })
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return out
            }
        }
    }

    /// Puts back the previous handlers and closes the pipe.
    func uninstall() {
        for (sig, var old) in zip(signals, previous) { sigaction(sig, &old, nil) }
        previous = []
        signalWriteFD.store(-1, ordering: .relaxed)
        close(readFD)
        close(writeFD)
    }
}
