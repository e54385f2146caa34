import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of another program (the release `kafka-inbox`, `kcat -P`): wall time, exit
/// status, its own peak resident size, and its standard output, kept or only counted in
/// lines. Standard error goes to a file that is copied to the log afterwards (so neither
/// pipe can fill while the other is read).
///
/// The peak is the child's `VmHWM` (/proc/PID/status), sampled every 5 ms until it has
/// exited (it is then a zombie, not yet reaped, so the pid cannot be reused meanwhile):
/// `wait4`'s `ru_maxrss` cannot serve, since the kernel carries the spawning process's peak
/// over `execve` (a child of this 600 MB parent reports at least 600 MB), and
/// `getrusage(RUSAGE_CHILDREN)` keeps the largest child ever reaped.
struct ChildProcess {
    /// What happens to standard output.
    enum Output {
        /// /dev/null.
        case discard
        /// Read and kept (small outputs: `send`, `count`).
        case keep
        /// Read through a pipe and counted in lines, not kept (`list --json`).
        case countLines
    }

    var status: Int32 = -1
    var seconds = 0.0
    var peakRSSBytes = 0
    var stdout = ""
    var lines = 0
    var stderr = ""

    /// Whether it exited with status 0.
    var succeeded: Bool { status == 0 }

    /// Runs `argv` (`argv[0]` a path) with this process's environment and `environment`
    /// on top; the time runs from just before the spawn to the reaping.
    static func run(_ argv: [String], environment: [String: String] = [:], output: Output) throws -> ChildProcess {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let errPath = NSTemporaryDirectory() + "inbox-bench-stderr-\(getpid())"
        defer { unlink(errPath) }
        var pipeFDs: [Int32] = [-1, -1]
        if output != .discard {
            guard pipe(&pipeFDs) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if output == .discard {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
            posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
        }
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var result = ChildProcess()
        let start = monoNs()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        if output != .discard { close(pipeFDs[1]) }
        guard spawned == 0 else {
            if output != .discard { close(pipeFDs[0]) }
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
        }
        let sampler = PeakSampler(pid: pid)
        if output != .discard {
            // F_SETPIPE_SZ (Linux's 1024 + 7, not exported to Swift): 1 MiB, the largest an
            // unprivileged process may set by default, for fewer wake-ups.
            _ = fcntl(pipeFDs[0], 1031, Int32(1 << 20))
            (result.stdout, result.lines) = drain(pipeFDs[0], keep: output == .keep)
            close(pipeFDs[0])
        }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        result.seconds = Double(monoNs() - start) / 1e9
        result.peakRSSBytes = sampler.stop()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Exited: the low 7 bits are 0 and the status is in the next byte; else the signal.
        result.status = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        result.stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return result
    }

    /// Reads `fd` to its end: the text (if kept) and the number of newlines.
    private static func drain(_ fd: Int32, keep: Bool) -> (String, Int) {
        var kept: [UInt8] = []
        var lines = 0
        let size = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            let chunk = UnsafeBufferPointer(start: buffer, count: n)
            for byte in chunk where byte == 0x0A { lines += 1 }
            if keep { kept.append(contentsOf: chunk) }
        }
        return (String(decoding: kept, as: UTF8.self), lines)
    }

    /// Standard error's lines, each prefixed, for the log.
    func logStderr(_ prefix: String) {
        for line in stderr.split(separator: "\n") { log(prefix + line) }
    }
}

