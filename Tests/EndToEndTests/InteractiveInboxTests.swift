import Foundation
import Testing

/// The interactive inbox as a user drives it: the real binary in tmux against the embedded
/// broker; keys with `send-keys`, the screen with `capture-pane`, receipts with kcat.
@Suite(.serialized) struct InteractiveInboxTests {
    /// Five notifications, newest first (the order the list shows them).
    static let seeds: [Seed] = [
        Seed(id: "o-2", kind: "owner", actor: "erin", title: "erin starred zebrafish", minutesAgo: 10),
        Seed(id: "w-1", kind: "watching", actor: "dave", title: "p53 was updated", minutesAgo: 20),
        Seed(id: "o-1", kind: "owner", actor: "bob", title: "bob commented on pathways", minutesAgo: 30),
        Seed(id: "g-1", kind: "group", actor: "carol", title: "carol shared yeast with lab", minutesAgo: 40),
        Seed(id: "g-2", kind: "group", actor: "frank", title: "frank invited you to team mitochondria", minutesAgo: 50),
    ]
    static let rows = seeds.map { $0.row() }
    static func seed(_ id: String) -> Seed { seeds.first { $0.id == id }! }
    static func row(_ id: String, marker: String = "●", tagged: Bool = false) -> String {
        seed(id).row(marker: marker, tagged: tagged)
    }

    /// A broker with the seeds, and the inbox open on it, caught up.
    struct Open {
        let broker: BrokerProcess
        let tui: TmuxSession
        var b: String { broker.bootstrap }
    }

    func open(_ seeds: [Seed] = Self.seeds, cols: Int = 100, rows: Int = 20,
              sourceLocation: SourceLocation = #_sourceLocation) throws -> Open {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        try #require(broker.bootstrap.hasPrefix("127.0.0.1:"), sourceLocation: sourceLocation)
        if !seeds.isEmpty { try Harness.seed(broker.bootstrap, seeds) }
        let tui = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], cols: cols, rows: rows)
        let caughtUp: ([String]) -> Bool = {
            $0.statusBar.contains("up to date") && $0.listRows.count == min(seeds.count, rows - 3)
        }
        let ready = tui.waitFor("catch-up of \(seeds.count)", timeout: 15, sourceLocation: sourceLocation, caughtUp)
        try #require(caughtUp(ready), sourceLocation: sourceLocation)
        return Open(broker: broker, tui: tui)
    }

    func header(_ view: String = "Unread", group: Int, owner: Int, watching: Int) -> String {
        "\(view)  Group \(group) · Owner \(owner) · Watching \(watching) · All \(group + owner + watching)"
    }

    // MARK: marking

    @Test func jThenRMarksTheSecondRowRead() throws {
        let o = try open()
        let start = o.tui.screen()
        #expect(start.count == 20)
        #expect(start[0] == header(group: 2, owner: 2, watching: 1))
        #expect(start.listRows == Self.rows)
        #expect(start.statusBar == "connected to \(o.b) · up to date · 5 unread")
        #expect(start.messageLine == "? help  r read  Enter open  v view  q quit")
        #expect(o.tui.cursorRow() == 1)

        o.tui.press("j")
        eventually("cursor on row 2") { o.tui.cursorRow() == 2 }
        o.tui.press("r")
        let after = o.tui.waitFor(absenceOf: "p53 was updated")
        #expect(after[0] == header(group: 2, owner: 2, watching: 0))
        #expect(after.listRows == [Self.row("o-2"), Self.row("o-1"), Self.row("g-1"), Self.row("g-2")])
        #expect(after.messageLine == "1 marked read")
        #expect(o.tui.cursorRow() == 2, "the cursor moves to the row that took the read one's place")

        let receipts = try Harness.waitForReceipts(o.b, count: 1)
        #expect(receipts.map(\.description) == ["read:w-1"])
        let settled = o.tui.waitUntilNothingPending()
        #expect(settled.statusBar == "connected to \(o.b) · up to date · 4 unread")
    }

    @Test func acknowledgeWithAAndEThenVCyclesUnreadAllDone() throws {
        let o = try open()
        o.tui.press("a")
        var s = o.tui.waitFor(absenceOf: "erin starred zebrafish")
        #expect(s.messageLine == "1 marked acknowledged")
        o.tui.press("e")
        s = o.tui.waitFor(absenceOf: "p53 was updated")
        #expect(s[0] == header(group: 2, owner: 1, watching: 0))
        #expect(s.listRows == [Self.row("o-1"), Self.row("g-1"), Self.row("g-2")])

        o.tui.press("v")
        s = o.tui.waitFor("the All view") { $0.first?.hasPrefix("All  ") == true }
        #expect(s[0] == header("All", group: 2, owner: 1, watching: 0))
        #expect(s.listRows == [Self.row("o-2", marker: "✓"), Self.row("w-1", marker: "✓"), Self.row("o-1"),
                               Self.row("g-1"), Self.row("g-2")])
        o.tui.press("v")
        s = o.tui.waitFor("the Done view") { $0.first?.hasPrefix("Done  ") == true }
        #expect(s[0] == header("Done", group: 2, owner: 1, watching: 0))
        #expect(s.listRows == [Self.row("o-2", marker: "✓"), Self.row("w-1", marker: "✓")])
        o.tui.press("v")
        s = o.tui.waitFor("the Snoozed view") { $0.first?.hasPrefix("Snoozed  ") == true }
        #expect(s.listRows == ["  No notifications in Snoozed"])
        o.tui.press("v")
        s = o.tui.waitFor("the Unread view again") { $0.first?.hasPrefix("Unread  ") == true }
        #expect(s.listRows == [Self.row("o-1"), Self.row("g-1"), Self.row("g-2")])

        let receipts = try Harness.waitForReceipts(o.b, count: 2)
        #expect(Set(receipts.map(\.description)) == ["acknowledged:o-2", "acknowledged:w-1"])
        #expect(receipts.count == 2)
    }

    @Test func tagTwoRowsThenROneReceiptEach() throws {
        let o = try open()
        o.tui.press("t", "t")
        var s = o.tui.waitFor(text: "2 tagged")
        #expect(s.listRows == [Self.row("o-2", tagged: true), Self.row("w-1", tagged: true), Self.row("o-1"),
                               Self.row("g-1"), Self.row("g-2")])
        #expect(s.statusBar == "connected to \(o.b) · up to date · 5 unread · 2 tagged")
        #expect(o.tui.cursorRow() == 3, "t moves the cursor down")
        o.tui.press("r")
        s = o.tui.waitFor(text: "2 marked read")
        #expect(s.listRows == [Self.row("o-1"), Self.row("g-1"), Self.row("g-2")])
        #expect(!s.statusBar.contains("tagged"))

        let receipts = try Harness.waitForReceipts(o.b, count: 2)
        #expect(Set(receipts.map(\.description)) == ["read:o-2", "read:w-1"])
        #expect(receipts.count == 2)
    }

    @Test func markAllInViewAsksAndNoMeansNothing() throws {
        let o = try open()
        o.tui.press("R")
        var s = o.tui.waitFor(text: "Mark 5 read? y/n")
        #expect(s.messageLine == "Mark 5 read? y/n")
        o.tui.press("n")
        s = o.tui.waitFor(text: "cancelled")
        #expect(s.listRows == Self.rows)

        // "All in view" is exactly the view: with the Owner filter, only the owner rows.
        o.tui.press("2")
        s = o.tui.waitFor("the Owner filter") { $0.listRows.count == 2 }
        #expect(s.listRows == [Self.row("o-2"), Self.row("o-1")])
        o.tui.press("R")
        s = o.tui.waitFor(text: "Mark 2 read? y/n")
        o.tui.press("y")
        s = o.tui.waitFor(text: "No notifications in Unread")
        #expect(s.messageLine == "2 marked read")
        #expect(s[0] == header(group: 2, owner: 0, watching: 1))
        o.tui.press("0")
        s = o.tui.waitFor("all kinds again") { $0.listRows.count == 3 }
        #expect(s.listRows == [Self.row("w-1"), Self.row("g-1"), Self.row("g-2")])

        // Had "n" sent anything, there would be five receipts here.
        let receipts = try Harness.waitForReceipts(o.b, count: 2, settle: 0.5)
        #expect(Set(receipts.map(\.description)) == ["read:o-2", "read:o-1"])
        #expect(receipts.count == 2)
    }

    @Test func undoAfterReadSendsUnreadForTheSameID() throws {
        let o = try open()
        o.tui.press("r")
        var s = o.tui.waitFor(absenceOf: "erin starred zebrafish")
        #expect(s.listRows.count == 4)
        o.tui.press("z")
        s = o.tui.waitFor(text: "erin starred zebrafish")
        #expect(s.messageLine == "undid 1 change")
        #expect(s.listRows == Self.rows)
        #expect(o.tui.cursorRow() == 1, "the cursor goes back to the restored row")
        let receipts = try Harness.waitForReceipts(o.b, count: 2)
        // Same key, same partition: the log order is the order of the actions.
        #expect(receipts.map(\.description) == ["read:o-2", "unread:o-2"])
        #expect(Set(receipts.map(\.receiptID)).count == 2)
    }

    @Test func searchMovesTheCursorToTheMatchAndRMarksThatOne() throws {
        let o = try open()
        o.tui.press("/")
        o.tui.type("Mitochondria")
        var s = o.tui.waitFor(text: "/Mitochondria")
        #expect(s.messageLine == "/Mitochondria")
        o.tui.press("Enter")
        o.tui.waitFor("the search prompt to close") { !$0.messageLine.hasPrefix("/") }
        #expect(o.tui.cursorRow() == 5)
        o.tui.press("r")
        s = o.tui.waitFor(absenceOf: "mitochondria")
        #expect(s.listRows == Array(Self.rows.prefix(4)))
        // n finds the next match of a new search, wrapping to the top.
        o.tui.press("/")
        o.tui.type("starred")
        o.tui.press("Enter")
        eventually("cursor on the 'starred' row") { o.tui.cursorRow() == 1 }
        let receipts = try Harness.waitForReceipts(o.b, count: 1)
        #expect(receipts.map(\.description) == ["read:g-2"])
    }

    // MARK: filters, views, help, sizes

    @Test func kindFiltersShowOnlyThatKind() throws {
        let o = try open()
        let expected: [(String, [String])] = [
            ("1", [Self.row("g-1"), Self.row("g-2")]),
            ("2", [Self.row("o-2"), Self.row("o-1")]),
            ("3", [Self.row("w-1")]),
            ("0", Self.rows),
        ]
        for (key, rows) in expected {
            o.tui.press(key)
            let s = o.tui.waitFor("filter \(key)") { $0.listRows == rows }
            #expect(s.listRows == rows, "after \(key)")
            #expect(s[0] == header(group: 2, owner: 2, watching: 1), "the header keeps every kind's count")
        }
        let receipts = try Harness.waitForReceipts(o.b, count: 0)
        #expect(receipts.isEmpty, "filtering sends nothing")
    }

    @Test func helpScreenOpensAndAnyKeyQOrEscapeLeavesIt() throws {
        let o = try open()
        for closer in ["x", "q", "Escape"] {
            o.tui.press("?")
            // Wait for the whole frame (a capture can land in the middle of drawing it).
            let help = o.tui.waitFor("the help screen") { $0.contains(" z        undo last action") }
            #expect(help[1] == "Keys — j/k scroll, any other key closes")
            #expect(help.contains(" r        mark read (cursor or tagged)"))
            #expect(help.contains(" z        undo last action"))
            #expect(!help.contains { $0.contains("erin starred zebrafish") }, "help replaces the list")
            o.tui.press(closer)
            let back = o.tui.waitFor("help closed by \(closer)") { $0.listRows == Self.rows }
            #expect(back.listRows == Self.rows, "after \(closer)")
            #expect(!back.contains { $0.contains("EXITED") }, "\(closer) in help closes help, it does not quit")
        }
    }

    @Test func resizeRelaysOutAndTooSmallSaysSo() throws {
        let o = try open()
        o.tui.resize(cols: 40, rows: 10)
        var s = o.tui.waitFor("the 40×10 layout") { $0.count == 10 && $0.first?.hasPrefix("Unread  G ") == true }
        func narrow(_ id: String) -> String {
            let full = Self.seed(id).row(actorWidth: 8)
            guard full.count > 40 else { return full }
            var cut = String(full.prefix(39))
            while cut.hasSuffix(" ") { cut.removeLast() }  // the ellipsis follows the last word
            return cut + "…"
        }
        #expect(s[0] == "Unread  G 2 · O 2 · W 1 · All 5")
        #expect(s.listRows == Self.seeds.map { narrow($0.id) })
        #expect(s.statusBar == "up · up to date · 5 unread")

        o.tui.resize(cols: 30, rows: 6)
        s = o.tui.waitFor("terminal too small") { $0.count == 6 && $0.first == "terminal too small" }
        #expect(s == ["terminal too small", "", "", "", "", ""])

        o.tui.resize(cols: 100, rows: 20)
        s = o.tui.waitFor("the 100×20 layout again") { $0.count == 20 && $0.first?.hasPrefix("Unread  Group") == true }
        #expect(s[0] == header(group: 2, owner: 2, watching: 1))
        #expect(s.listRows == Self.rows)
        // Keys still work after resizes (the first key after a resize used to spin forever).
        o.tui.press("j")
        eventually("j after resizes moves the cursor") { o.tui.cursorRow() == 2 }
        o.tui.press("q")
        o.tui.waitFor(text: "EXITED:0", timeout: 5)
    }

    // MARK: live data, several terminals, quitting

    @Test func aNotificationSentWhileOpenAppearsWithoutAKey() throws {
        let o = try open()
        let sent = try Harness.inbox(["send", "-b", o.b, "--user", "alice", "--kind", "owner", "--id", "live-1",
                                      "--actor", "zoe", "--title", "zoe mentioned you in lively"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let s = o.tui.waitFor(text: "zoe mentioned you in lively", timeout: 5)
        #expect(s[0] == header(group: 2, owner: 3, watching: 1))
        #expect(s.listRows == ["●  own now zoe              zoe mentioned you in lively"] + Self.rows)
        #expect(s.statusBar == "connected to \(o.b) · up to date · 6 unread")
        #expect(o.tui.cursorRow() == 2, "the cursor stays on the notification it was on")
    }

    @Test func twoTerminalsOfOneUserConverge() throws {
        let o = try open()
        let other = try TmuxSession(["-b", o.b, "--user", "alice"])
        try #require(other.waitFor("second terminal caught up") { $0.listRows == Self.rows }.listRows == Self.rows)

        o.tui.press("r")
        o.tui.waitFor(absenceOf: "erin starred zebrafish")
        var s = other.waitFor(absenceOf: "erin starred zebrafish", timeout: 5)
        #expect(s.listRows == Array(Self.rows.dropFirst()))
        #expect(s.statusBar == "connected to \(o.b) · up to date · 4 unread")

        other.press("j", "a")  // the cursor followed to p53 (row 1); j then a acknowledges bob's comment
        other.waitFor(absenceOf: "bob commented on pathways")
        s = o.tui.waitFor(absenceOf: "bob commented on pathways", timeout: 5)
        #expect(s.listRows == [Self.row("w-1"), Self.row("g-1"), Self.row("g-2")])

        let receipts = try Harness.waitForReceipts(o.b, count: 2)
        #expect(Set(receipts.map(\.description)) == ["read:o-2", "acknowledged:o-1"])
        #expect(receipts.count == 2)
    }

    @Test func qQuitsWithStatusZeroAfterFlushingReceipts() throws {
        let o = try open()
        o.tui.press("j", "r", "q")
        let s = o.tui.waitFor(text: "EXITED:0", timeout: 12)
        #expect(!s.contains { $0.contains("up to date") }, "the terminal is restored (alternate screen left)")
        // Flushed before exit: on the topic now, without waiting.
        let receipts = try Harness.receipts(o.b)
        #expect(receipts.map(\.description) == ["read:w-1"])
    }

    // MARK: terminal safety

    @Test func hostileTitlesShowEscapedAndNeverRetitleTheTerminal() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let hostile = [
            #"{"id":"h1","title":"\u001b]0;pwned-osc0\u0007 title set","actor":"\u001b[2Jeve"}"#,
            #"{"id":"h2","title":"\u001b]2;pwned-osc2\u001b\\ st terminated"}"#,
            #"{"id":"h3","title":"bidi \u202eevil\u202c end"}"#,
            #"{"id":"h4","title":"\u001bkpwned-win\u001b\\ window name"}"#,
            #"{"id":"h5","title":"clear \u001b[2J\u001b[H csi \u009b31m c1"}"#,
            "raw \u{1b}]0;pwned-raw\u{07} not json",
        ]
        for (i, value) in hostile.enumerated() {
            let r = try Harness.kcat(broker.bootstrap, ["-P", "-t", "notify.alice.owner", "-k", "h\(i + 1)"], input: value)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let tui = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"])
        let titleBefore = tui.display("#{pane_title}")
        let s = tui.waitFor("six hostile rows") { $0.statusBar.contains("up to date") && $0.listRows.count == 6 }
        let text = s.joined(separator: "\n")
        #expect(text.contains(#"\x1b]0;pwned-osc0"#))
        #expect(text.contains(#"\x1b]2;pwned-osc2"#))
        #expect(text.contains(#"\u202e"#))
        #expect(text.contains(#"\x1bkpwned-win"#))
        #expect(text.contains(#"\x1b[2J"#))
        #expect(s.listRows.contains(#"●  own now \x1b[2Jeve       \x1b]0;pwned-osc0\x07 title set"#))
        #expect(s.listRows.contains(#"●  own now                  bidi \u202eevil\u202c end"#))
        #expect(s.listRows.contains("●  own now                  malformed: not JSON"))
        #expect(s.statusBar.contains("1 malformed"))
        #expect(s.count == 20)
        #expect(s[0].hasPrefix("Unread  Group 0 · Owner 6 · Watching 0 · All 6"))
        #expect(!text.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{1b}" || $0 == "\u{9b}" })
        // Every row stays one line in its place: the marker column is intact.
        for row in s.listRows { #expect(row.hasPrefix("●  own "), "row torn: \(row)") }
        let paneTitle = tui.display("#{pane_title}")
        #expect(!paneTitle.contains("pwned"), "pane title was set to \(paneTitle)")
        #expect(paneTitle == titleBefore)
        #expect(!tui.display("#{window_name}").contains("pwned"))
        // Moving over them (redraws) changes nothing either.
        tui.press("G", "k", "g")
        usleep(200_000)
        #expect(!tui.display("#{pane_title}").contains("pwned"))
    }
}
