import Foundation
import Testing

/// The interactive inbox as a user sees it: the real binary in a private tmux server
/// (its own `-L` socket, fixed size), driven with `send-keys` and read with `capture-pane`.
final class TmuxSession {
    let socket: String
    let target = "inbox"
    let stateDir: String
    let configDir: String
    /// Polling interval for every wait.
    static let pollInterval: useconds_t = 40_000

    /// Starts `kafka-inbox <arguments>` in a new detached tmux session of `cols` × `rows`.
    /// The command is followed by `echo EXITED:$?; sleep 30` so that its exit status stays on screen.
    /// `shell`, when given, runs first in the `sh` that then execs the inbox (e.g. `ulimit -f 0`).
    init(_ arguments: [String], cols: Int = 100, rows: Int = 20, environment: [String: String] = [:], shell: String? = nil) throws {
        try #require(Harness.which("tmux") != nil, "tmux is not installed")
        let unique = "\(getpid())-\(UUID().uuidString.prefix(8))"
        socket = "kie2e-\(unique)"
        stateDir = NSTemporaryDirectory() + "kafka-inbox-e2e-state-\(unique)"
        configDir = NSTemporaryDirectory() + "kafka-inbox-e2e-config-\(unique)"
        for dir in [stateDir, configDir] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        var env = ["XDG_STATE_HOME": stateDir, "XDG_CONFIG_HOME": configDir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        for (k, v) in environment { env[k] = v }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
        let command = (["env", "-u", "KAFKA_INBOX_BROKERS", "-u", "KAFKA_INBOX_USER", "-u", "NO_COLOR"] + assignments
            + (shell.map { ["sh", "-c", Self.quote($0 + "; exec \"$0\" \"$@\"")] } ?? [])
            + [Self.quote(Harness.binary)] + arguments.map(Self.quote)).joined(separator: " ")
            + "; echo EXITED:$?; sleep 30"
        let r = try tmuxRun(["new-session", "-d", "-s", target, "-x", String(cols), "-y", String(rows), command])
        try #require(r.status == 0, "tmux new-session failed: \(r.stderr)")
    }

    deinit {
        // The pane's shell and everything under it (the inbox), to make sure none survives
        // kill-server's SIGHUP (a wedged inbox would ignore it).
        let pids = paneProcesses()
        let socketPath = display("#{socket_path}")
        _ = try? tmuxRun(["kill-server"])
        let deadline = Date().addingTimeInterval(2)
        while pids.contains(where: { kill($0, 0) == 0 && !Self.isZombie($0) }) && Date() < deadline { usleep(20_000) }
        for pid in pids where kill(pid, 0) == 0 && !Self.isZombie(pid) { kill(pid, SIGKILL) }
        if socketPath.contains(socket) { unlink(socketPath) }
        try? FileManager.default.removeItem(atPath: stateDir)
        try? FileManager.default.removeItem(atPath: configDir)
    }

    /// The pane's shell and every process under it (the inbox among them).
    func paneProcesses() -> [pid_t] {
        guard let shell = pid_t(display("#{pane_pid}")) else { return [] }
        var pids: [pid_t] = []
        var queue = [shell]
        while let pid = queue.popLast() {
            pids.append(pid)
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            queue += children.split(separator: " ").compactMap { pid_t($0) }
        }
        return pids
    }

    private static func isZombie(_ pid: pid_t) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
    }

    static func quote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs `tmux -L <socket> <arguments>` (UTF-8 forced, no user configuration), spawned
    /// cleanly (see `Spawn`) because the first call forks the tmux server.
    @discardableResult
    func tmuxRun(_ arguments: [String]) throws -> RunResult {
        try Spawn.run(Harness.which("tmux") ?? "/usr/bin/tmux", ["-u", "-f", "/dev/null", "-L", socket] + arguments)
    }

    /// Sends keys by tmux name (`j`, `r`, `Enter`, `Escape`, `?`).
    func press(_ keys: String...) {
        _ = try? tmuxRun(["send-keys", "-t", target] + keys)
    }

    /// Types `text` literally.
    func type(_ text: String) {
        _ = try? tmuxRun(["send-keys", "-t", target, "-l", text])
    }

    /// Resizes the window (the program gets SIGWINCH).
    func resize(cols: Int, rows: Int) {
        _ = try? tmuxRun(["resize-window", "-t", target, "-x", String(cols), "-y", String(rows)])
    }

    /// The screen, one string per row (trailing blanks trimmed by tmux).
    func screen() -> [String] {
        guard let r = try? tmuxRun(["capture-pane", "-p", "-t", target]), r.status == 0 else { return [] }
        var lines = r.stdout.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// A tmux format value for the pane (`#{pane_title}`, `#{window_name}`, …).
    func display(_ format: String) -> String {
        ((try? tmuxRun(["display-message", "-p", "-t", target, format]))?.stdout ?? "")
            .trimmingCharacters(in: .newlines)
    }

    /// Polls the screen until `predicate` holds or `timeout` passes; records an issue
    /// (with the last screen) on timeout. Returns the last screen.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 8, sourceLocation: SourceLocation = #_sourceLocation,
                 _ predicate: ([String]) -> Bool) -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        repeat {
            last = screen()
            if predicate(last) {
                // A capture can fall in the middle of a frame being drawn (the header
                // already new, the rows not yet): return a screen that held still.
                usleep(Self.pollInterval)
                let again = screen()
                if again == last { return last }
                last = again
                continue
            }
            usleep(Self.pollInterval)
        } while Date() < deadline
        Issue.record("timed out after \(timeout)s waiting for \(what); screen:\n\(last.joined(separator: "\n"))",
                     sourceLocation: sourceLocation)
        return last
    }

    /// Waits until some row contains `text`.
    @discardableResult
    func waitFor(text: String, timeout: TimeInterval = 8,
                 sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        waitFor("\"\(text)\"", timeout: timeout, sourceLocation: sourceLocation) { $0.contains { $0.contains(text) } }
    }

    /// Waits until no row contains `text`.
    @discardableResult
    func waitFor(absenceOf text: String, timeout: TimeInterval = 8,
                 sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        waitFor("\"\(text)\" to go", timeout: timeout, sourceLocation: sourceLocation) { !$0.contains { $0.contains(text) } }
    }

    /// Waits for the inbox to finish catching up (the status bar says "up to date").
    @discardableResult
    func waitUntilUpToDate(timeout: TimeInterval = 15, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        waitFor(text: "up to date", timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Waits until no receipt is pending on the status bar (every receipt confirmed).
    @discardableResult
    func waitUntilNothingPending(timeout: TimeInterval = 10,
                                 sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        waitFor("no pending receipts", timeout: timeout, sourceLocation: sourceLocation) { lines in
            lines.contains { $0.contains("up to date") } && !lines.contains { $0.contains("pending") }
        }
    }

    /// The screen row (0-based) drawn in reverse video at column `column` among rows
    /// `1..<rows-2` (the list): the cursor row. Parsed from `capture-pane -e`.
    func cursorRow(column: Int = 3) -> Int? {
        guard let r = try? tmuxRun(["capture-pane", "-p", "-e", "-t", target]) else { return nil }
        var rows = r.stdout.components(separatedBy: "\n")
        if rows.last == "" { rows.removeLast() }
        var reverse = false  // tmux carries attributes over line ends in -e output
        var found: Int?
        for (index, line) in rows.enumerated() {
            var col = 0
            let scalars = Array(line.unicodeScalars)
            var i = 0
            var reverseAtColumn: Bool?
            while i < scalars.count {
                if scalars[i] == "\u{1b}", i + 1 < scalars.count, scalars[i + 1] == "[" {
                    var j = i + 2
                    var params = ""
                    while j < scalars.count, !(0x40...0x7E).contains(scalars[j].value) {
                        params.unicodeScalars.append(scalars[j]); j += 1
                    }
                    if j < scalars.count, scalars[j] == "m" { reverse = Self.applySGR(params, reverse) }
                    i = j + 1
                    continue
                }
                if col == column { reverseAtColumn = reverse }
                col += 1
                i += 1
            }
            if index >= 1, index < rows.count - 2, reverseAtColumn == true, found == nil { found = index }
        }
        return found
    }

    private static func applySGR(_ params: String, _ reverse: Bool) -> Bool {
        var reverse = reverse
        let codes = params.isEmpty ? [0] : params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        var k = 0
        while k < codes.count {
            switch codes[k] {
            case 0: reverse = false
            case 7: reverse = true
            case 27: reverse = false
            case 38, 48, 58: k += (k + 1 < codes.count && codes[k + 1] == 5) ? 2 : 4
            default: break
            }
            k += 1
        }
        return reverse
    }
}

/// One notification to seed, `minutesAgo` old (plus a margin so the age label holds for a while).
struct Seed {
    var id: String
    var kind: String
    var actor: String
    var title: String
    var minutesAgo: Int

    /// A JSON line for `kafka-inbox send --file -`.
    func json(nowMs: Int64) -> String {
        let created = Double(nowMs - Int64(minutesAgo) * 60_000 - 20_000) / 1000
        let formatter = ISO8601DateFormatter()
        let object: [String: Any] = ["id": id, "kind": kind, "actor": actor, "title": title,
                                     "created_at": formatter.string(from: Date(timeIntervalSince1970: created))]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The row the list draws at 100 columns: marker, tag, kind, age, actor (16), title.
    func row(marker: String = "●", tagged: Bool = false, actorWidth: Int = 16) -> String {
        let short = ["group": "grp", "owner": "own", "watching": "wat"][kind] ?? String(kind.prefix(3))
        let age = "\(minutesAgo)m"
        let padAge = String(repeating: " ", count: max(0, 3 - age.count)) + age
        let padActor = actor + String(repeating: " ", count: max(0, actorWidth - actor.count))
        return "\(marker)\(tagged ? "*" : " ") \(short) \(padAge) \(padActor) \(title)"
    }
}

/// One receipt read back from the receipts topic with kcat.
struct SeenReceipt: Hashable, CustomStringConvertible {
    var key: String
    var type: String
    var notificationID: String
    var user: String
    var receiptID: String

    var description: String { "\(type):\(notificationID)" }
}

extension Harness {
    /// Sends `seeds` with one `kafka-inbox send --file -`.
    static func seed(_ broker: String, user: String = "alice", _ seeds: [Seed]) throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let r = try inbox(["send", "-b", broker, "--user", user, "--file", "-"],
                          input: seeds.map { $0.json(nowMs: now) }.joined(separator: "\n"))
        try #require(r.status == 0, "send failed: \(r.stderr)")
        try #require(r.stdout.contains("delivered \(seeds.count) of \(seeds.count)"))
    }

    /// Every receipt on `notify.<user>.receipts`, in partition log order.
    static func receipts(_ broker: String, user: String = "alice") throws -> [SeenReceipt] {
        let r = try kcat(broker, ["-C", "-t", "notify.\(user).receipts", "-e", "-o", "beginning", "-q", "-f", "%k\t%s\n"])
        return try r.lines.map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            try #require(parts.count == 2, "bad kcat line: \(line)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(parts[1].utf8)) as? [String: Any],
                                      "receipt is not a JSON object: \(parts[1])")
            return SeenReceipt(key: parts[0], type: object["type"] as? String ?? "?",
                               notificationID: object["notification_id"] as? String ?? "?",
                               user: object["user"] as? String ?? "?", receiptID: object["receipt_id"] as? String ?? "")
        }
    }

    /// Polls the receipts topic until at least `count` receipts are there (or `timeout`), then
    /// reads it once more after `settle` seconds so that an unexpected extra receipt shows too.
    static func waitForReceipts(_ broker: String, user: String = "alice", count: Int, timeout: TimeInterval = 10,
                                settle: TimeInterval = 0.3) throws -> [SeenReceipt] {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = try receipts(broker, user: user)
        while seen.count < count && Date() < deadline {
            usleep(100_000)
            seen = try receipts(broker, user: user)
        }
        if settle > 0 {
            usleep(useconds_t(settle * 1_000_000))
            seen = try receipts(broker, user: user)
        }
        for r in seen {
            // A state's key is its notification id (a leading "~" doubled); actions and mutes are keyed "~a/…", "~m/…".
            let expected = r.type == "action" ? r.key.hasPrefix("~a/") : r.type.hasSuffix("mute") ? r.key.hasPrefix("~m/")
                : r.key == (r.notificationID.hasPrefix("~") ? "~" + r.notificationID : r.notificationID)
            #expect(expected, "receipt key \(r.key) does not fit its \(r.type) event about \(r.notificationID)")
            #expect(r.user == user)
            #expect(!r.receiptID.isEmpty)
        }
        return seen
    }
}

/// Polls `condition` until it holds or `timeout` passes; records an issue on timeout.
@discardableResult
func eventually(_ what: String, timeout: TimeInterval = 8, sourceLocation: SourceLocation = #_sourceLocation,
                _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
        if try condition() { return true }
        usleep(TmuxSession.pollInterval)
    } while Date() < deadline
    Issue.record("timed out after \(timeout)s waiting for \(what)", sourceLocation: sourceLocation)
    return false
}

extension Array where Element == String {
    /// The list rows of a captured screen (between the header and the status bar), blank rows dropped.
    var listRows: [String] {
        guard count >= 3 else { return [] }
        return self[1..<(count - 2)].filter { !$0.isEmpty }
    }

    /// The status bar (second-to-last row).
    var statusBar: String { count >= 2 ? self[count - 2] : "" }

    /// The message / prompt line (last row).
    var messageLine: String { last ?? "" }
}

/// Runs a program with posix_spawn, with an empty signal mask, default signal actions and
/// no descriptor but 0, 1, 2 inherited.
///
/// Foundation's `Process` is not usable for tmux: its children inherit the calling test
/// thread's signal mask (SIGHUP, SIGTERM, SIGWINCH… blocked, so the tmux server and the
/// inbox in its pane would never see a resize), and the socket Foundation watches for the
/// child's exit, which the daemonised tmux server keeps open, so `waitUntilExit` never returns.
enum Spawn {
    enum Failure: Error { case spawn(String, Int32) }

    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np` (hidden from Swift without _GNU_SOURCE).
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 10) throws -> RunResult {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw Failure.spawn(executable, errno) }
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        if let closeFrom = closeFrom { _ = closeFrom(&actions, 3) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU] {
            sigaddset(&defaults, sig)
        }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, environ)
        close(out[1])
        close(err[1])
        guard rc == 0 else {
            close(out[0]); close(err[0])
            throw Failure.spawn(executable, rc)
        }
        var outData: [UInt8] = [], errData: [UInt8] = []
        var open = [out[0], err[0]]
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty && Date() < deadline {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 100) >= 0 || errno == EINTR else { break }
            for f in fds where f.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(f.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if f.fd == out[0] { outData += buffer[0..<n] } else { errData += buffer[0..<n] }
                } else if n == 0 || errno != EINTR {
                    close(f.fd)
                    open.removeAll { $0 == f.fd }
                }
            }
        }
        for fd in open { close(fd) }
        var status: Int32 = 0
        while waitpid(pid, &status, open.isEmpty ? 0 : WNOHANG) == 0 {
            if Date() >= deadline { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        let exit = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return RunResult(status: exit, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
    }
}
