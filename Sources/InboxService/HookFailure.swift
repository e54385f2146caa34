import InboxCore
import InboxSystem
#if canImport(Glibc)
import Glibc
#endif

/// A hook command that did not run to a successful end, as `HookRunner` reports it (for
/// the log and the status line; a hook's own output always goes to /dev/null).
public struct HookFailure: Sendable, Hashable {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// The program could not be started (`errno` ENOENT: not found).
        case couldNotStart(SystemError)
        /// It exited with this non-zero status.
        case failed(Int32)
        /// A signal it did not expect ended it (not the runner's timeout).
        case signalled(Int32)
        /// It ran longer than the runner's timeout (in milliseconds) and was killed.
        case timedOut(ms: Int)
        /// It was not run: the runner's queue already held this many waiting commands.
        case dropped(queued: Int)
    }

    /// The caller's name for the command (e.g. `hooks[2]` or the notification id), for the log.
    public var label: String
    /// The program as given (`argv[0]`).
    public var argv0: String
    /// What went wrong.
    public var reason: Reason

    /// Creates a report.
    public init(label: String, argv0: String, reason: Reason) {
        self.label = label
        self.argv0 = argv0
        self.reason = reason
    }

    /// One line for a person: `hook "notify-send" exited with status 2`. Safe for a
    /// terminal whatever the configured program name holds.
    public var message: String {
        let name = "hook \"\(TerminalText.sanitize(argv0))\""
        switch reason {
        case .couldNotStart(let error):
            return "\(name) could not start: \(String(cString: strerror(error.errno)))"
        case .failed(let status):
            return "\(name) exited with status \(status)"
        case .signalled(let signal):
            return "\(name) was killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        case .timedOut(let ms):
            return "\(name) killed after \(Self.seconds(ms)) s"
        case .dropped(let queued):
            return "\(name) not run: \(queued) hooks already waiting"
        }
    }

    /// `10` for 10 000 ms, `0.3` for 300 ms.
    static func seconds(_ ms: Int) -> String {
        if ms % 1000 == 0 { return "\(ms / 1000)" }
        var fraction = String(ms % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(ms / 1000).\(fraction)"
    }

    private static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGABRT: "SIGABRT"
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGPIPE: "SIGPIPE"
        case SIGTERM: "SIGTERM"
        default: nil
        }
    }
}
