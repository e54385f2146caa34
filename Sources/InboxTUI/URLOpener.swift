#if canImport(Glibc)
import Glibc
#endif

/// Opens URLs with `$BROWSER` (first entry) or `xdg-open` via `posix_spawnp`: an argv,
/// never a shell; output to /dev/null; the child in its own process group so terminal
/// signals do not reach it. Finished children are reaped by `reap()`.
final class URLOpener {
    private let command: [String]
    private var children: [pid_t] = []

    /// `browser` overrides `$BROWSER`; words are split on spaces, `%s` is replaced by the URL.
    init(browser: String?) {
        let spec = browser ?? TUIOptions.environment("BROWSER")
        let first = spec?.split(separator: ":").first.map(String.init) ?? ""
        let words = first.split(separator: " ").map(String.init)
        command = words.isEmpty ? ["xdg-open"] : words
    }

    /// The argv used for `url`.
    func arguments(for url: String) -> [String] {
        command.contains { $0.contains("%s") }
            ? command.map { $0.replacingPercentS(with: url) }
            : command + [url]
    }

    /// Starts the browser; returns an error message, or nil on success.
    func open(_ url: String) -> String? {
        let argv = arguments(for: url)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, &cArgs, environ)
        guard rc == 0 else { return "cannot start \(argv[0]): \(String(cString: strerror(rc)))" }
        children.append(pid)
        return nil
    }

    /// Collects children that have exited (never blocks).
    func reap() {
        children.removeAll { pid in
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) != 0
        }
    }
}

private extension String {
    func replacingPercentS(with value: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: "%s") {
            out += rest[..<range.lowerBound] + value
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
