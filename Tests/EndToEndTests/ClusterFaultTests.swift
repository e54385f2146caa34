import Foundation
import Testing

/// A cluster of three embedded brokers (`broker --brokers 3 --control`) whose partition
/// leaders move and whose brokers go down and come back, during catch-up and while live:
/// the inbox, `watch --group` and the receipts topic must each show everything exactly as
/// often as promised.
@Suite(.serialized) struct ClusterFaultTests {
    static let kinds = ["group", "owner", "watching"]

    /// `count` notification lines, ids `prefix0…`, the kinds in turn.
    static func lines(_ prefix: String, _ range: Range<Int>) -> [String] {
        range.map { #"{"id":"\#(prefix)\#($0)","kind":"\#(kinds[$0 % 3])","actor":"bob","title":"\#(prefix) number \#($0)"}"# }
    }

    /// The ids `watch --format json` printed (each time it printed them).
    static func printedIDs(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    /// The end of a file (diagnostics).
    static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "(none)").suffix(3000))
    }

    @Test func leadersMoveAndBrokersFailDuringCatchUpAndLiveWithNothingLostOrDoubled() throws {
        let broker = try ControlledBroker(partitions: 6, brokers: 3)
        let b = broker.bootstrap
        try TriageSharingTests.send(b, Self.lines("c", 0..<6000))
        let home = try TriageSharingTests.home("")
        let (watch, printed) = try TriageSharingTests.follow(
            ["watch", "-b", b, "--user", "alice", "--group", "cluster-test", "--from", "beginning", "--format", "json"],
            environment: home, stderr: home["XDG_STATE_HOME"]! + "/watch.err")
        defer { kill(watch.processIdentifier, SIGKILL); watch.waitUntilExit() }

        // Catch-up under faults: slow brokers, every leader moved, broker 2 down.
        for id in 1...3 { broker.control("rtt 150 \(id)") }
        let tui = try TmuxSession(["-b", b, "--user", "alice"], cols: 140, rows: 16, environment: home)
        broker.control("rotate-leaders")
        broker.control("down 2")
        let degraded = tui.waitFor("the lost broker named", timeout: 15) { $0.statusBar.contains("broker 2 (") && $0.statusBar.contains("unreachable") }
        #expect(!degraded.statusBar.contains("up to date"), "catch-up cannot be complete without broker 2's partitions: \(degraded.statusBar)")
        usleep(1_500_000)
        broker.control("up 2")
        for id in 1...3 { broker.control("rtt 0 \(id)") }
        var screen = tui.waitFor("catch-up complete", timeout: 60) {
            $0.statusBar.contains("up to date · 6000 unread") && !$0.statusBar.contains("unreachable")
        }
        #expect(screen[0].contains("Group 2000 · Owner 2000 · Watching 2000 · All 6000"), "\(screen[0])")

        // Live under faults: arrivals while leaders move and broker 3 is down; marks meanwhile.
        broker.control("rotate-leaders")
        broker.control("down 3")
        let live = Thread { try? TriageSharingTests.send(b, Self.lines("l", 0..<300)) }
        live.start()
        for _ in 0..<4 { tui.press("r"); tui.press("j"); usleep(150_000) }
        usleep(1_500_000)
        broker.control("rotate-leaders")
        broker.control("up 3")
        // 6300 arrived, 4 read: a lost or doubled notification would show in the count.
        screen = tui.waitFor("every live arrival, once", timeout: 60) {
            $0.statusBar.contains("6296 unread") && !$0.statusBar.contains("pending") && !$0.statusBar.contains("unreachable")
        }
        let unreadTotal = screen[0].split(separator: "·").dropLast().compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(unreadTotal == 6296, "four marked read: \(screen[0])")

        // The receipts topic: four read receipts, one per receipt id, one per notification.
        let receipts = try Harness.waitForReceipts(b, count: 4, timeout: 20, settle: 1)
        #expect(receipts.count == 4 && Set(receipts.map(\.receiptID)).count == 4 && Set(receipts.map(\.notificationID)).count == 4,
                "\(receipts)")
        #expect(receipts.allSatisfy { $0.type == "read" })

        // watch --group: every message at least once, none missing.
        var ids: [String] = []
        // (A join the failing coordinator lost an answer to waits for the session timeout, 10 s.)
        #expect(eventually("watch saw all 6300", timeout: 45) {
            while let line = printed.next(timeout: 0.05) { ids += Self.printedIDs([line]) }
            return Set(ids).count == 6300
        }, "watch --group printed \(Set(ids).count) distinct of 6300; its stderr: \(Self.tail(home["XDG_STATE_HOME"]! + "/watch.err"))")

        // Each loss and return logged once, not once per retry.
        let log = try String(contentsOfFile: home["XDG_STATE_HOME"]! + "/kafka-inbox/alice.log", encoding: .utf8)
        let lost = log.split(separator: "\n").filter { $0.contains("unreachable: its partitions wait") }
        let back = log.split(separator: "\n").filter { $0.hasSuffix("is back") }
        #expect(lost.count == 2 && back.count == 2, "lost \(lost), back \(back)")
    }

    @Test func aBrokerDownBeforeTheStartThatNeverReturnsCostsSecondsNotTheInbox() throws {
        let broker = try ControlledBroker(partitions: 6, brokers: 3)
        let b = broker.bootstrap
        try TriageSharingTests.send(b, Self.lines("d", 0..<600))
        broker.control("down 2")
        let home = try TriageSharingTests.home("")
        // `--timeout 2`: a partition whose leader has not answered for three timeouts is no
        // longer waited for.
        let tui = try TmuxSession(["-b", b, "--user", "alice", "--timeout", "2"], cols: 140, rows: 16, environment: home)
        let early = tui.waitFor("the others' rows, and the lost broker named", timeout: 10) {
            $0.listRows.count >= 5 && $0.statusBar.contains("broker 2 (") && $0.statusBar.contains("unreachable")
        }
        #expect(!early.statusBar.contains("up to date"), "\(early.statusBar)")
        let settled = tui.waitFor("catch-up complete without broker 2's partitions", timeout: 20) { $0.statusBar.contains("up to date") }
        let shown = settled.statusBar.split(separator: "·").compactMap { part -> Int? in
            part.hasSuffix(" unread") ? Int(part.split(separator: " ").first ?? "") : nil
        }.first ?? 0
        #expect(shown > 0 && shown < 600, "\(settled.statusBar)")
        let list = try Harness.inbox(["list", "--json", "-b", b, "--user", "alice", "--timeout", "2", "--no-snapshot"], environment: home, timeout: 60)
        #expect(list.status != 0 && list.stderr.contains("broker"), "a one-shot list does not pretend: \(list.status) \(list.stderr)")

        // When it returns, its partitions are read after all.
        broker.control("up 2")
        tui.waitFor("broker 2's notifications too", timeout: 30) { $0.statusBar.contains("600 unread") && !$0.statusBar.contains("unreachable") }
    }
}
