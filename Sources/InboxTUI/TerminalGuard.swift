#if canImport(Glibc)
import Glibc
#endif

// State the fatal-signal handler reads. Set once before the handlers are armed and left
// alone while they are; a signal handler can take no lock, hence `nonisolated(unsafe)`.
nonisolated(unsafe) private var savedTermios = termios()
nonisolated(unsafe) private var restoreBytes: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var restoreCount = 0
nonisolated(unsafe) private var armed: sig_atomic_t = 0
nonisolated(unsafe) private var previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

/// Restores the terminal when the process dies of a fatal signal (or exits) while the
/// TUI owns the screen, using only async-signal-safe calls: write the terminal's own
/// "leave full screen / show cursor / reset attributes" strings and put back the saved
/// tty modes, then let the previous handler (e.g. Swift's backtracer) run.
enum TerminalGuard {
    static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGQUIT]

    /// Saves the tty modes of standard input (call before ncurses changes them).
    static func saveModes() {
        tcgetattr(STDIN_FILENO, &savedTermios)
    }

    /// Arms the guard with the bytes that reset the screen.
    static func arm(restoreSequence: [UInt8]) {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, restoreSequence.count))
        buffer.initialize(from: restoreSequence, count: restoreSequence.count)
        restoreBytes = buffer
        restoreCount = restoreSequence.count
        armed = 1
        for sig in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = fatalHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, previousActions + Int(sig))
        }
        atexit(restoreIfArmed)
    }

    /// Disarms the guard (the terminal was restored normally) and puts back the handlers.
    static func disarm() {
        guard armed != 0 else { return }
        armed = 0
        for sig in fatalSignals { sigaction(sig, previousActions + Int(sig), nil) }
    }
}

/// Restores the screen and tty modes once; async-signal-safe.
private let restoreIfArmed: @convention(c) () -> Void = {
    guard armed != 0 else { return }
    armed = 0
    if let bytes = restoreBytes { _ = write(STDOUT_FILENO, bytes, restoreCount) }
    tcsetattr(STDIN_FILENO, TCSANOW, &savedTermios)
}

private let fatalHandler: @convention(c) (Int32) -> Void = { sig in
    restoreIfArmed()
    sigaction(sig, previousActions + Int(sig), nil)
    raise(sig)
}
