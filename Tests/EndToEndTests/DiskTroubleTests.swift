import Foundation
import Testing

/// Issue 15, part 4, end to end: the state directory missing, over a file-size limit or
/// the output on a full disk. A one-shot `read` either has the broker's confirmation or
/// says its receipt is lost; nothing claims to have kept what it did not keep.
@Suite(.serialized) struct DiskTroubleTests {
    /// A state directory that cannot be created: its parent is a regular file (ENOTDIR, also for root).
    static func unwritableState() throws -> [String: String] {
        let file = NSTemporaryDirectory() + "kafka-inbox-disk-\(getpid())-\(UUID().uuidString)"
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: file))
        return ["XDG_STATE_HOME": file + "/state"]
    }

    /// Runs kafka-inbox under `sh` with a file-size limit of 0 and SIGXFSZ ignored, so every
    /// write to a regular file fails with EFBIG (as on a full disk); `redirect` is appended.
    static func limited(_ arguments: [String], state: String, redirect: String = "") throws -> RunResult {
        let quoted = ([Harness.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try Harness.run("/bin/sh", ["-c", "trap '' XFSZ; ulimit -f 0; exec \(quoted) \(redirect)"],
                               environment: ["XDG_STATE_HOME": state])
    }

    @Test func aMarkWithAStateDirThatCannotBeCreatedIsConfirmedByTheBroker() throws {
        let world = try OutboxWorld()
        let env = try Self.unwritableState()
        let read = try Harness.inbox(["read", "-b", world.b, "--user", "alice", "n-1"], environment: env)
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stderr.contains("receipts not saved locally (state dir cannot be created: ENOTDIR"), "\(read.stderr)")
        #expect(read.stderr.contains("marked 1 of 1 read (confirmed by \(world.b))"), "\(read.stderr)")
        #expect(try world.receipts().map { $0.key } == ["n-1"], "on the receipts topic")
        let listed = try Harness.inbox(["list", "--all", "-b", world.b, "--user", "alice", "--no-snapshot"], environment: env)
        #expect(listed.lines.contains { $0.hasPrefix("read") && $0.contains("n-1") }, "\(listed.stdout)")
    }

    @Test func aMarkOverAFileSizeLimitIsConfirmedByTheBroker() throws {
        let world = try OutboxWorld()
        let state = NSTemporaryDirectory() + "kafka-inbox-disk-\(getpid())-\(UUID().uuidString)"
        let read = try Self.limited(["read", "-b", world.b, "--user", "alice", "n-2"], state: state)
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stderr.contains("receipts not saved locally (file size limit reached: EFBIG"), "\(read.stderr)")
        #expect(read.stderr.contains("marked 1 of 1 read"), "\(read.stderr)")
        #expect(try world.receipts().map { $0.key } == ["n-2"])
    }

    @Test func aMarkTheBrokerRefusesWithNoStateDirIsSaidToBeLostNotKept() throws {
        let world = try OutboxWorld()
        let env = try Self.unwritableState()
        world.broker.control("produce-errors 5 topic-authorization-failed")
        let read = try Harness.inbox(["read", "-b", world.b, "--user", "alice", "n-1"], environment: env)
        #expect(read.status == 75, "\(read.stderr)")
        #expect(read.stderr.contains("not saved locally (state dir cannot be created: ENOTDIR): they are lost"), "\(read.stderr)")
        #expect(read.stderr.contains("or set XDG_STATE_HOME"), "the fix is named: \(read.stderr)")
        #expect(!read.stderr.contains("kept in the outbox"), "\(read.stderr)")
        #expect(!read.stderr.contains("marked 1 of 1"), "\(read.stderr)")
        #expect(try world.receipts().isEmpty)
    }

    @Test func doctorNamesAStateDirThatCannotBeCreatedAndTheFix() throws {
        let world = try OutboxWorld()
        let r = try Harness.inbox(["doctor", "-b", world.b, "--user", "alice"], environment: try Self.unwritableState(), timeout: 60)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("state dir cannot be created: ENOTDIR"), "\(r.stdout)")
        #expect(r.stdout.contains("or set XDG_STATE_HOME to a writable directory"), "\(r.stdout)")
    }

    @Test func outputToAFullDiskEndsWithAnErrorNotACrash() throws {
        let world = try OutboxWorld()
        let state = NSTemporaryDirectory() + "kafka-inbox-disk-\(getpid())-\(UUID().uuidString)"
        let out = state + ".out"
        let listed = try Self.limited(["list", "-b", world.b, "--user", "alice", "--no-snapshot"], state: state, redirect: "> '\(out)'")
        #expect(listed.status == 74, "exit 74 (EX_IOERR), not a trap: \(listed.status) \(listed.stderr)")
        #expect(listed.stderr.contains("cannot write the output: write stdout: File too large (EFBIG)"), "\(listed.stderr)")
    }

    @Test(.enabled(if: Harness.which("tmux") != nil, "tmux is not installed"))
    func theInboxWithAStateDirThatCannotBeCreatedSaysSoDeliversAndOnQuitCallsTheUnconfirmedLost() throws {
        let world = try OutboxWorld(notifications: ["n-1", "n-2"])
        let t = try TmuxSession(["-b", world.b, "--user", "alice"], cols: 240, environment: try Self.unwritableState())
        t.waitUntilUpToDate()
        let told = t.waitFor(text: "receipts not saved locally (state dir cannot be created: ENOTDIR) — sending straight to Kafka")
        #expect(told.statusBar.contains("receipts not saved locally"), "\(told.statusBar)")
        t.press("r")
        t.waitFor("n-2 read and confirmed") { $0.statusBar.contains("1 unread") && !$0.statusBar.contains("pending") }
        #expect(try world.receipts().count == 1)

        world.broker.control("down")
        t.press("r")
        let unsaved = t.waitFor("the unconfirmed one counted as not saved") { $0.statusBar.contains("1 receipt pending · 1 not saved locally") }
        #expect(unsaved.statusBar.contains("0 unread"), "\(unsaved.statusBar)")
        t.press("q")
        let after = t.waitFor(text: "EXITED:", timeout: 40)
        let text = after.joined(separator: " ")
        #expect(text.contains("1 receipt(s) not confirmed by \(world.b) and not saved locally (state dir cannot be created: ENOTDIR): they are lost"),
                "\(text)")
        #expect(!text.contains("kept in the outbox"), "\(text)")
    }

    @Test(.enabled(if: Harness.which("tmux") != nil, "tmux is not installed"))
    func theInboxWhoseJournalCannotBeWrittenNeverSaysAnUnconfirmedReceiptIsKept() throws {
        let world = try OutboxWorld(notifications: ["n-1"])
        // The journal opens (an empty file needs no room) but takes no byte: EFBIG, as a full disk.
        let t = try TmuxSession(["-b", world.b, "--user", "alice"], cols: 240, shell: "trap '' XFSZ; ulimit -f 0")
        t.waitUntilUpToDate()
        world.broker.control("down")
        t.press("r")
        let told = t.waitFor(text: "receipts not saved locally (file size limit reached: EFBIG) — sending straight to Kafka")
        #expect(told.statusBar.contains("1 receipt pending · 1 not saved locally"), "\(told.statusBar)")
        t.press("q")
        let text = t.waitFor(text: "EXITED:", timeout: 40).joined(separator: " ")
        #expect(text.contains("1 receipt(s) not confirmed by \(world.b) and not saved locally (file size limit reached: EFBIG): they are lost"),
                "\(text)")
        #expect(!text.contains("kept in the outbox"), "\(text)")
    }
}
