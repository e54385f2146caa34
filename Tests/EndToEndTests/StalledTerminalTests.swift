import Foundation
import Testing

/// A terminal that stops reading (an ssh session that stalls, a paused tmux): the inbox's
/// UI thread blocks in its write. Here the tmux server itself is stopped (SIGSTOP), so the
/// pty fills up for real; meanwhile a large backlog arrives.
@Suite(.serialized) struct StalledTerminalTests {
    /// Resident bytes of `pid` (0 once it is gone).
    static func residentBytes(_ pid: pid_t) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
        }
        return 0
    }

    /// Writes to the terminal `tty` until it takes no more (its reader is stopped): the
    /// kernel moves bytes on between its buffers for a while, so "full" is when a second of
    /// tries takes nothing.
    static func fill(_ tty: String) throws {
        let fd = open(tty, O_WRONLY | O_NONBLOCK | O_NOCTTY)
        try #require(fd >= 0, "cannot open \(tty): errno \(errno)")
        defer { close(fd) }
        let chunk = Array(String(repeating: "\u{1b}[0m", count: 32).utf8)
        var total = 0, refused = 0
        while refused < 20 && total < 16 << 20 {
            let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 { total += n; refused = 0 } else { refused += 1; usleep(50_000) }
        }
        try #require(refused >= 20, "the terminal kept taking bytes (\(total))")
    }

    /// The kafka-inbox process under the pane's shell.
    static func inboxPID(_ t: TmuxSession) -> pid_t? {
        t.paneProcesses().first { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").hasPrefix("kafka-inbox")
        }
    }

    @Test func aTerminalThatStopsReadingKeepsMemoryBoundedDeliversReceiptsAndRedrawsRight() throws {
        // 96 partitions: the embedded broker keeps only the newest few MB of each.
        let broker = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "96"])
        let b = broker.bootstrap
        try TriageSharingTests.send(b, (0..<20).map { #"{"id":"seed-\#($0)","kind":"owner","actor":"bob","title":"seed \#($0)"}"# })
        // librdkafka's own fetch queue kept at 8 MB (the inbox's default: 16), so that what the
        // test sees is mostly the inbox's bound: 16 MB between its threads.
        let home = try TriageSharingTests.home("""
            [kafka]
            "queued.max.messages.kbytes" = "8192"
            """)
        let t = try TmuxSession(["-b", b, "--user", "alice"], cols: 100, rows: 16, environment: home)
        t.waitFor("catch-up") { $0.statusBar.contains("up to date · 20 unread") }
        let pid = try #require(Self.inboxPID(t))
        let server = try #require(pid_t(t.display("#{pid}")))
        let tty = t.display("#{pane_tty}")

        // Three marks, and at once the terminal stops reading: they are sent while it is stalled.
        t.press("r", "r", "r")
        kill(server, SIGSTOP)
        var resumed = false
        defer { if !resumed { kill(server, SIGCONT) } }
        // The pty's buffer filled up to the brim (with attribute resets, which draw nothing),
        // as after a while of output nobody reads: the inbox's next write blocks.
        try Self.fill(tty)
        let before = Self.residentBytes(pid)

        // 30,000 notifications of 5 KB (about 150 MB) arrive while it cannot draw.
        let filler = String(repeating: "x", count: 5000)
        let file = NSTemporaryDirectory() + "kafka-inbox-stalled-\(getpid()).jsonl"
        defer { unlink(file) }
        // Keyed, so that they spread over the partitions (kcat's null-key partitioner sticks to a few).
        try (0..<30_000).map { "big-\($0)\t" + #"{"id":"big-\#($0)","kind":"owner","actor":"carol","title":"big \#($0)","body":"\#(filler)"}"# }
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let produced = try Harness.kcat(b, ["-P", "-t", "notify.alice.owner", "-K", "\t", "-l", file])
        #expect(produced.status == 0, "\(produced.stderr)")

        // Stalled for several seconds: memory stays bounded, the receipts made go out anyway.
        var peak = before
        var receipts: [SeenReceipt] = []
        let deadline = Date().addingTimeInterval(6)
        while Date() < deadline {
            peak = max(peak, Self.residentBytes(pid))
            if receipts.count < 3 { receipts = try Harness.receipts(b) }
            usleep(200_000)
        }
        // Bounded: 16 MB decoded between the threads, librdkafka's 8 MB queue, the fetch
        // responses its queued messages still point into (up to `fetch.max.bytes`, 4 MB, each)
        // and the allocator's slack: 30–76 MB here over a dozen runs, against the 150 MB that
        // arrive (an unbounded inbox grows by all of it).
        #expect(peak - before < 96 << 20, "grew by \((peak - before) >> 20) MB while the terminal did not read")
        #expect(receipts.count == 3 && receipts.allSatisfy { $0.type == "read" }, "\(receipts)")

        // Reading again: the screen catches up and is right.
        kill(server, SIGCONT)
        resumed = true
        var screen = t.waitFor("everything, once", timeout: 120) { $0.statusBar.contains("up to date · 30017 unread") }
        #expect(screen.first?.contains("Owner 30017") == true, "\(screen.first ?? "")")
        // The cursor stayed on its row as rows arrived above it; at the top are the newest.
        t.press("g")
        screen = t.waitFor("the top") { $0.listRows.count == 13 && $0.listRows.allSatisfy { $0.contains(" big ") } }
        #expect(screen.listRows.allSatisfy { $0.hasPrefix("●  own") && $0.contains("carol") }, "\(screen.listRows)")
    }
}
