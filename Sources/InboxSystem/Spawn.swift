#if canImport(Glibc)
import Glibc
#endif

/// Starts, watches and kills child processes: an argv, never a shell.
///
/// A child started here has /dev/null on its stdin, stdout and stderr (it can never draw
/// on the terminal or wait for its input), leads a new process group (so terminal signals
/// do not reach it and `kill` reaches its own children too), has every signal at its
/// default action and none blocked, whatever the spawning thread had.
public enum Spawn {
    /// How a child ended.
    public enum ExitStatus: Sendable, Hashable {
        /// It called `exit` with this status (0–255).
        case exited(Int32)
        /// A signal with this number ended it.
        case signalled(Int32)
    }

    /// Starts `argv` (`argv[0]` looked up in this process's `$PATH` unless it holds a `/`)
    /// with exactly `environment` as its environment; returns its pid, which is also its
    /// process group id. The caller must collect it with `poll` until that returns non-nil.
    ///
    /// A command that cannot be found or executed throws the `errno` `execve` gave
    /// (ENOENT, EACCES, ENOEXEC…); an empty argv, or a NUL byte in an argument or in the
    /// environment, throws EINVAL.
    public static func start(_ argv: [String], environment: [String: String]) throws(SystemError) -> Int32 {
        guard let command = argv.first, !command.isEmpty else {
            throw SystemError(call: "posix_spawnp (empty command)", errno: EINVAL)
        }
        let envStrings = environment.map { "\($0.key)=\($0.value)" }
        let hasNUL = argv.contains { $0.utf8.contains(0) } || envStrings.contains { $0.utf8.contains(0) }
            || environment.keys.contains { $0.isEmpty || $0.contains("=") }
        guard !hasNUL else { throw SystemError(call: "posix_spawnp \(command) (NUL byte or bad variable name)", errno: EINVAL) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try checkReturn("posix_spawn_file_actions_addopen") {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        try checkReturn("posix_spawn_file_actions_addopen") {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
        }
        try checkReturn("posix_spawn_file_actions_addopen") {
            posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        let flags = Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        try checkReturn("posix_spawnattr_setflags") { posix_spawnattr_setflags(&attributes, flags) }
        try checkReturn("posix_spawnattr_setpgroup") { posix_spawnattr_setpgroup(&attributes, 0) }
        try checkReturn("posix_spawnattr_setsigmask") { posix_spawnattr_setsigmask(&attributes, &noSignals) }
        try checkReturn("posix_spawnattr_setsigdefault") { posix_spawnattr_setsigdefault(&attributes, &allSignals) }

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        guard !cArgs.dropLast().contains(nil), !cEnv.dropLast().contains(nil) else {
            throw SystemError(call: "strdup", errno: ENOMEM)
        }
        var pid: pid_t = 0
        try checkReturn("posix_spawnp \(command)") { posix_spawnp(&pid, command, &actions, &attributes, &cArgs, &cEnv) }
        return pid
    }

    /// Collects `pid` if it has ended (never blocks): nil while it runs. Once this has
    /// returned a status the pid is gone and may be reused: do not poll or kill it again.
    public static func poll(_ pid: Int32) throws(SystemError) -> ExitStatus? {
        var status: Int32 = 0
        let r = try SystemError.check("waitpid \(pid)") { waitpid(pid, &status, WNOHANG) }
        if r == 0 { return nil }
        return decode(status)
    }

    /// Sends SIGKILL to the process group `pid` leads (the child and whatever it started
    /// in its group), or to `pid` alone if it leads none. Only for a child not yet
    /// collected by `poll`; pids below 2 are ignored.
    public static func kill(_ pid: Int32) {
        guard pid > 1 else { return }
        if Glibc.kill(-pid, SIGKILL) != 0 {
            _ = Glibc.kill(pid, SIGKILL)
        }
    }

    /// The path of the executable file `name` names: looked up in each directory of
    /// `path` (a `$PATH`-style list; nil for this process's `$PATH`, an empty entry for
    /// the current directory), or checked as is when it holds a `/`. Nil when there is none.
    public static func which(_ name: String, path: String?) -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        let search = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for entry in search.split(separator: ":", omittingEmptySubsequences: false) {
            let directory = entry.isEmpty ? "." : String(entry)
            let candidate = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// A `wait` status as an exit status or a signal.
    static func decode(_ status: Int32) -> ExitStatus {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    /// For the posix_spawn family, which return the error number instead of setting errno.
    private static func checkReturn(_ call: @autoclosure () -> String, _ body: () -> Int32) throws(SystemError) {
        let rc = body()
        if rc != 0 { throw SystemError(call: call(), errno: rc) }
    }
}
