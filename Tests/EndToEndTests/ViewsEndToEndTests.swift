import Foundation
import Testing

/// Issue 12 end to end: saved views as tabs with counts, a rebound key that sends its
/// receipt, `--query` on the command line, and `count --watch` as a status-bar feed.
@Suite(.serialized) struct ViewsEndToEndTests {
    static let config = """
        [[views]]
        name = "Bob"
        query = "from:bob"
        [keys]
        x = "mark-read"
        """

    @Test func tabsShowCountsAndAReboundKeySendsItsReceipt() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let home = try TriageSharingTests.home(Self.config)
        try TriageSharingTests.send(broker.bootstrap, [#"{"id":"b1","kind":"owner","actor":"bob","title":"bob one"}"#,
                                                       #"{"id":"c1","kind":"owner","actor":"carol","title":"carol one"}"#,
                                                       #"{"id":"b2","kind":"group","actor":"bob","title":"bob two"}"#])
        let t = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: home)
        var s = t.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 3 }
        #expect(s[0].hasSuffix("│ Bob 2"))
        t.press("Tab")
        s = t.waitFor("the Bob tab") { $0.first?.hasPrefix("Bob  ") == true }
        #expect(s.listRows.allSatisfy { $0.contains("bob") } && s.listRows.count == 2)
        t.press("x")
        s = t.waitFor("one read") { $0.first?.hasSuffix("│ Bob 1") == true }
        let receipts = try Harness.waitForReceipts(broker.bootstrap, count: 1)
        #expect(receipts.count == 1 && receipts[0].type == "read" && ["b1", "b2"].contains(receipts[0].notificationID))
        let list = try Harness.inbox(["list", "-b", broker.bootstrap, "--user", "alice", "--json", "--no-snapshot",
                                      "--query", "from:bob is:unread"], environment: home)
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 1)
        let bad = try Harness.inbox(["list", "-b", broker.bootstrap, "--user", "alice", "--query", "from:bob OR"], environment: home)
        #expect(bad.status == 64 && bad.stderr.contains("OR (column 10)"))
    }

    @Test func countWatchPrintsANewLineWhenSomethingArrives() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let home = try TriageSharingTests.home("")
        try TriageSharingTests.send(broker.bootstrap, [#"{"id":"a","kind":"owner","actor":"bob","title":"one"}"#])
        let (p, lines) = try TriageSharingTests.follow(["count", "--watch", "--format", "json", "-b", broker.bootstrap, "--user", "alice"],
                                                       environment: home)
        defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        let first = try #require(lines.next(timeout: 15))
        #expect(first == #"{"unread":1,"by_kind":{"group":0,"owner":1,"watching":0},"text":"1 unread"}"#)
        let sent = Date()
        try TriageSharingTests.send(broker.bootstrap, [#"{"id":"b","kind":"group","actor":"bob","title":"two"}"#])
        let second = try #require(lines.next(timeout: 10))
        #expect(second.hasPrefix(#"{"unread":2,"by_kind":{"group":1,"#))
        #expect(Date().timeIntervalSince(sent) < 5, "a new line soon after the arrival (about 1 s here; bound kept loose)")
        #expect(lines.next(timeout: 1.5) == nil, "nothing printed while the count stays the same")
    }

    @Test func aBadKeyOrColourIsExit78NamingTheLine() throws {
        for (config, expected) in [("[keys]\nx = \"explode\"\n", "line 2: unknown action 'explode'"),
                                   ("user = \"alice\"\n[theme]\nheader = \"pink\"\n", "line 3: 'pink' is not a colour"),
                                   ("[[views]]\nname = \"X\"\nquery = \"is:nope\"\n", "line 3: views[1].query: is:nope (column 1)")] {
            let home = try TriageSharingTests.home(config)
            let r = try Harness.inbox(["-b", "127.0.0.1:1", "--user", "alice"], environment: home, timeout: 20)
            #expect(r.status == 78, "\(config): \(r.stderr)")
            #expect(r.stderr.contains(expected), "\(r.stderr)")
        }
    }

    @Test func aThreadRowMarksExactlyItsNotifications() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let home = try TriageSharingTests.home("")
        try TriageSharingTests.send(broker.bootstrap, [
            #"{"id":"t1","kind":"owner","actor":"bob","title":"first on graph 7","object":{"type":"graph","id":"7"},"created_at":"2026-11-30T10:00:00Z"}"#,
            #"{"id":"t2","kind":"owner","actor":"dan","title":"second on graph 7","object":{"type":"graph","id":"7"},"created_at":"2026-11-30T10:05:00Z"}"#,
            #"{"id":"x1","kind":"owner","actor":"eve","title":"other thing","created_at":"2026-11-30T10:03:00Z"}"#,
        ])
        let t = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: home)
        t.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 3 }
        t.press("=")
        var s = t.waitFor("threads") { $0.listRows.count == 2 }
        #expect(s.listRows[0].contains("(2 · 2 unread) second on graph 7"))
        t.press("r")
        s = t.waitFor("the thread read") { $0.listRows.count == 1 }
        #expect(s.listRows[0].contains("other thing"))
        let receipts = try Harness.waitForReceipts(broker.bootstrap, count: 2)
        #expect(Set(receipts.map(\.description)) == ["read:t1", "read:t2"])
    }
}
