import InboxEvents
import InboxSystem
import InboxCore
import Testing
@testable import InboxTUI

@Suite struct RenderTests {
    @Test func listHeaderAndStatusOnSmallGrid() {
        let grid = Fixture.render(Fixture.five())
        #expect(grid.lines == [
            "Unread  G 2 · O 2 · W 1 · All 5",
            "●  grp  1m bob      title a",
            "●  own  2m bob      title b",
            "●  wat  3m bob      title c",
            "●  own  4m bob      title d",
            "●  grp  5m bob      title e",
            "",
            "",
            "up · up to date · 5 unread",
            "? help  r read  Enter open  v view  q q…",
        ])
    }

    @Test func wideHeaderUsesFullKindNames() {
        let grid = Fixture.render(Fixture.five(), rows: 10, cols: 80)
        #expect(grid.line(0) == "Unread  Group 2 · Owner 2 · Watching 1 · All 5")
        #expect(grid.line(8) == "connected to localhost:9092 · up to date · 5 unread")
    }

    @Test func receiptsNotSavedLocallyAreCountedOnTheStatusBarUntilTheJournalTakesThemAgain() {
        var model = Fixture.five()
        let why = "receipts not saved locally (state dir full: ENOSPC) — sending straight to Kafka; quitting before they are confirmed loses them"
        _ = model.apply([.pendingReceipts(2), .unsavedReceipts(2, why: why), .error(why)])
        #expect(Fixture.render(model, rows: 10, cols: 120).line(8)
                == "connected to localhost:9092 · up to date · 2 receipts pending · 2 not saved locally · 5 unread")
        #expect(Fixture.render(model, rows: 10, cols: 120).line(9).hasPrefix("error: receipts not saved locally (state dir full: ENOSPC) — "))
        #expect(Fixture.render(model, rows: 10, cols: 60).line(8) == "up · up to date · 2 pending · 2 unsaved · 5 unread")
        _ = model.apply([.pendingReceipts(0), .unsavedReceipts(0, why: why)])
        #expect(Fixture.render(model, rows: 10, cols: 120).line(8) == "connected to localhost:9092 · up to date · receipts not saved locally · 5 unread")
        _ = model.apply([.unsavedReceipts(0, why: nil)])
        #expect(Fixture.render(model, rows: 10, cols: 120).line(8) == "connected to localhost:9092 · up to date · 5 unread")
    }

    @Test func cursorRowReversedUnreadBoldAndMarkedWithoutColour() {
        var model = Fixture.five()
        model.apply([.receipts([Fixture.receipt(.read, "b"), Fixture.receipt(.acknowledged, "c")])])
        _ = model.type("v")  // All
        let grid = Fixture.render(model)
        #expect(grid.lines[1...3] == ["●  grp  1m bob      title a", "   own  2m bob      title b",
                                      "✓  wat  3m bob      title c"])
        #expect(grid[1, 0].style.reverse && grid[1, 39].style.reverse)
        #expect(!grid[2, 5].style.reverse)
        #expect(grid[1, 20].style.bold)
        #expect(!grid[2, 20].style.bold)
        #expect(grid.line(0) == "All  G 2 · O 1 · W 0 · All 3")
    }

    @Test func previewBelowListOnNarrowScreen() {
        var model = Fixture.model([Fixture.note("a", minutesAgo: 5, title: "bob commented", body: "first line\nsecond",
                                                url: "https://x.test/g/1")], markReadOnOpen: false)
        _ = model.type("p")
        let grid = Fixture.render(model, rows: 12, cols: 40)
        #expect(grid.lines == [
            "Unread  G 0 · O 1 · W 0 · All 1",
            "●  own  5m bob      bob commented",
            "",
            "",
            "────────────────────────────────────────",
            "bob commented",
            "",
            "From: bob",
            "Kind: Owner · State: unread",
            "↓ more: Space (4/12)",
            "up · up to date · 1 unread",
            "? help  r read  Enter open  v view  q q…",
        ])
    }

    @Test func previewScrollsToBodyAndExtraFields() {
        var note = Fixture.note("a", title: "t", body: "first line\nsecond", url: "https://x.test/g/1")
        note.objectType = "graph"
        note.objectID = "123"
        note.extra = [ExtraField(key: "priority", value: "high")]
        var model = Fixture.model([note], markReadOnOpen: false)
        _ = model.type("p")
        var layout = InboxRenderer().render(model, rows: 12, cols: 40, nowMs: Fixture.now).1
        model.updateLayout(layout)
        _ = model.type("  ")
        let (grid, newLayout) = InboxRenderer().render(model, rows: 12, cols: 40, nowMs: Fixture.now)
        layout = newLayout
        #expect(layout.previewMaxScroll == 10)
        #expect(model.previewScroll == 8)
        #expect(grid.lines[5...9] == ["Source: notify.alice.owner partition 0", "offset 0", "priority: high", "",
                                      "↓ more: Space (12/14)"])
        #expect(grid.line(4) == "────────────────────────────────────────")
    }

    @Test func previewOnTheRightFromWideScreens() {
        var model = Fixture.model([Fixture.note("a", title: "hello", url: "https://x.test/1")], markReadOnOpen: false)
        _ = model.type("p")
        let grid = Fixture.render(model, rows: 10, cols: 120)
        #expect(grid.line(1) == "●  own  1m bob       hello                      │ hello")
        #expect(grid.line(3) == "                                                │ From: bob")
        #expect(grid.line(6) == "                                                │ URL: https://x.test/1")
    }

    @Test func malformedEntryShowsReasonAndEscapedRaw() {
        var note = Fixture.note("bad", title: "malformed message: not JSON", actor: nil)
        note.malformedReason = "not JSON"
        note.raw = "\\x00\\xffgarbage"
        var model = Fixture.model([note], markReadOnOpen: false)
        _ = model.handle(.enter)
        let lines = InboxRenderer.previewLines(note, state: .unread, width: 40, nowMs: Fixture.now).map(\.0)
        #expect(lines.suffix(3) == ["", "Malformed: not JSON", "Raw: \\x00\\xffgarbage"])
        let grid = Fixture.render(model, rows: 10, cols: 40)
        #expect(grid.line(8) == "up · up to date · 1 unread · 1 malformed")
    }

    @Test func helpIsGeneratedFromTheKeyMap() {
        var model = Fixture.five()
        _ = model.type("?")
        let grid = Fixture.render(model, rows: 10, cols: 40)
        #expect(grid.lines[1...7] == [
            "Keys — j/k scroll, any other key closes",
            " j ↓      move down",
            " k ↑      move up",
            " g Home   first",
            " G End    last",
            " PgDn ^d  page down",
            " PgUp ^u  page up",
        ])
        let custom = KeyMap(bindings: [KeyBinding([.char("x")], .quit, "leave")])
        #expect(custom.helpLines() == ["x  leave"])
        _ = model.type("x")
        #expect(!model.helpShown)
    }

    @Test func statusBarShowsUnreachableBrokerPendingAndCatchUp() {
        var model = Fixture.five()
        model.apply([.connection(.unreachable("kafka:9092")), .catchUp(loaded: 120, total: 900, done: false),
                     .pendingReceipts(3), .error("Local: Broker transport failure")])
        let grid = Fixture.render(model, rows: 10, cols: 100)
        #expect(grid.line(8) == "broker unreachable: kafka:9092 · catching up 120/900 · 3 receipts pending · ~5 unread")
        #expect(grid.line(0) == "Unread  Group ~2 · Owner ~2 · Watching ~1 · All ~5", "counts are not final while catching up")
        #expect(grid.line(9) == "error: Local: Broker transport failure")
        #expect(grid[8, 0].style.role == .error)
        model.apply([.connection(.connecting("kafka:9092")), .catchUp(loaded: 7, total: nil, done: false),
                     .pendingReceipts(1)])
        #expect(Fixture.render(model, rows: 10, cols: 100).line(8)
                == "connecting to kafka:9092 · catching up 7 · 1 receipt pending · 5 unread")
        #expect(Fixture.render(model, rows: 10, cols: 40).line(8) == "connecting · catching up 7 · 1 pending …")
        model.apply([.catchUp(loaded: 900, total: 900, done: true)])
        #expect(Fixture.render(model, rows: 10, cols: 100).line(0) == "Unread  Group 2 · Owner 2 · Watching 1 · All 5", "exact once caught up")
    }

    @Test(arguments: [(39, 10, "terminal too small"), (40, 9, "terminal too small"), (10, 2, "terminal…"),
                      (1, 1, "…")])
    func tooSmall(cols: Int, rows: Int, expected: String) {
        let grid = Fixture.render(Fixture.five(), rows: rows, cols: cols)
        #expect(grid.line(0) == expected)
        #expect(grid.lines.dropFirst().allSatisfy { $0.isEmpty })
    }

    @Test func zeroSizedGridDrawsNothing() {
        let grid = Fixture.render(Fixture.five(), rows: 0, cols: 0)
        #expect(grid.lines.isEmpty)
    }

    @Test func wideAndCombiningTitlesStayAligned() {
        let model = Fixture.model([
            Fixture.note("a", minutesAgo: 1, title: "日本語のタイトルがとても長い場合の表示", actor: "山田太郎さん"),
            Fixture.note("b", minutesAgo: 2, title: "🎉🎉 party 🎉 time for everyone here", actor: "e\u{301}lodie"),
            Fixture.note("c", minutesAgo: 3, title: "plain", actor: "bob"),
        ])
        let grid = Fixture.render(model)
        #expect(grid.lines[1...3] == [
            "●  own  1m 山田太…  日本語のタイトルが…",
            "●  own  2m élodie   🎉🎉 party 🎉 time…",
            "●  own  3m bob      plain",
        ])
        for row in 1...3 {
            let used = (0..<grid.cols).reduce(0) { $0 + (grid[row, $1].character == nil ? 0 : grid[row, $1].width) }
            #expect(used == 40)
            #expect(grid[row, 20].width != 0)  // the title column starts on a cell of its own
        }
    }

    @Test func hostileStringsNeverReachTheGridAsControls() {
        let evil = "\u{1b}[2J\u{1b}]0;pwned\u{07}\u{1b}]52;c;ZXZpbA==\u{07}x\u{202e}txt.exe\u{9b}31m\r\nz"
        let model = Fixture.model([Fixture.note("a", title: evil, actor: "\u{1b}[31mmal", body: evil)])
        var m = model
        _ = m.type("p")
        let grid = Fixture.render(m, rows: 20, cols: 200)
        for cell in grid.cells {
            for scalar in cell.character?.unicodeScalars ?? "".unicodeScalars {
                #expect(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) && scalar.value != 0x202E)
            }
        }
        #expect(grid.line(1).hasPrefix("●  own  1m \\x1b[31mmal      \\x1b[2J\\x1b]0;pwned\\x07"))
        #expect(grid.line(1).hasSuffix("│ \\x1b[2J\\x1b]0;pwned\\x07\\x1b]52;c;ZXZpbA==\\x07x\\u202etxt.exe\\x9b31m"))
        #expect(grid.lines[2...].contains("                                                                                │ z"))
    }
}
