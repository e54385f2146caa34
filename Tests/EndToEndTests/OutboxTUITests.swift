import Foundation
import Testing

/// The interactive inbox and the outbox, in a detached tmux session: receipts left by a
/// killed command are applied at start and shown pending, then delivered; quitting with
/// receipts pending keeps them and says so.
@Suite(.serialized, .enabled(if: Harness.which("tmux") != nil, "tmux is not installed"))
struct OutboxTUITests {
    let socket = "kafka-inbox-outbox-\(getpid())"

    /// Runs tmux through `system(3)` (fork, exec, waitpid): tmux's server inherits no pipe
    /// of ours, and no Foundation `Process` waits on a client that daemonised.
    @discardableResult
    func tmux(_ args: [String]) throws -> RunResult {
        let tool = try #require(Harness.which("tmux"))
        let out = NSTemporaryDirectory() + "outbox-tmux-\(getpid()).out"
        let quoted = ([tool, "-f", "/dev/null", "-L", socket] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let status = system(quoted.joined(separator: " ") + " >\(out) 2>&1 </dev/null")
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return RunResult(status: status, stdout: text, stderr: "")
    }

    /// Waits until the screen contains `text`; returns the last screen seen.
    @discardableResult
    func waitForScreen(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try tmux(["capture-pane", "-p", "-t", "inbox"]).stdout
            if screen.contains(text) { return screen }
            usleep(100_000)
        }
        Issue.record("screen never showed '\(text)':\n\(screen)")
        return screen
    }

    @Test func pendingReceiptsAreShownDeliveredAndKeptOnQuit() throws {
        let world = try OutboxWorld(notifications: ["n-1", "n-2"])
        defer { _ = try? tmux(["kill-server"]) }
        world.broker.control("produce-errors 100000 request-timed-out")
        let read = try world.background(["read", "n-1"])
        _ = try world.waitForOutbox(adds: 1)
        read.kill9()
        _ = read.wait()

        let errFile = NSTemporaryDirectory() + "outbox-tui-\(getpid()).err"
        let command = "exec env XDG_STATE_HOME=\(world.env["XDG_STATE_HOME"]!) XDG_CONFIG_HOME=/nonexistent "
            + "\(Harness.binary) -b \(world.b) --user alice 2>\(errFile)"
        try tmux(["new-session", "-d", "-s", "inbox", "-x", "120", "-y", "20", command])
        // The test runner's blocked signals are inherited: make sure the inbox goes away.
        let panePID = Int32(try tmux(["list-panes", "-t", "inbox", "-F", "#{pane_pid}"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        defer { if panePID > 0 { kill(panePID, SIGKILL) } }
        // Applied at start (n-1 read while its receipt is still pending), and counted.
        try waitForScreen("1 receipt pending")
        try waitForScreen("1 unread")
        world.broker.control("clear-produce-errors")
        let delivered = try waitForScreen("up to date · 1 unread")
        #expect(!delivered.contains("pending"))
        #expect(try world.receipts().map(\.key) == ["n-1"])

        // Broker down, mark n-2 read, quit: the receipt stays in the outbox, and we say so.
        world.broker.control("down")
        try tmux(["send-keys", "-t", "inbox", "r"])
        try waitForScreen("1 receipt pending")
        try tmux(["send-keys", "-t", "inbox", "q"])
        let deadline = Date().addingTimeInterval(20)
        var err = ""
        while Date() < deadline {
            err = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
            if err.contains("kept in the outbox") { break }
            usleep(100_000)
        }
        #expect(err.contains("1 receipt(s) not yet confirmed") && err.contains("kept in the outbox"), "\(err)")
        world.broker.control("up")
        let left = try world.inbox(["outbox"])
        #expect(left.lines.count == 1 && left.stdout.contains(#""notification_id":"n-2""#), "\(left.stdout)")
        // The next command delivers it.
        let count = try world.inbox(["count"])
        #expect(count.stdout == "0\n", "\(count.stderr)")
        #expect(try world.receipts().map(\.key).sorted() == ["n-1", "n-2"])
    }
}
