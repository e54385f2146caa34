import InboxEvents
import InboxSystem
import InboxCore
import Testing
@testable import InboxTUI

@Suite struct MarkingTests {
    @Test func movingNeverMarksRead() {
        var model = Fixture.five()
        var effects: [ModelEffect] = []
        for key: Key in [.down, .char("j"), .up, .char("G"), .char("g"), .pageDown, .ctrl("u"), .end, .home] {
            effects += model.handle(key)
        }
        #expect(effects.isEmpty)
        #expect(model.inbox.counts.count(.unread) == 5)
    }

    @Test func markReadSendsOneReceiptAndMovesToNextRow() {
        var model = Fixture.five()
        _ = model.type("j")
        let effects = model.type("r")
        #expect(Fixture.sent(effects) == ["read:b"])
        #expect(Fixture.ids(model) == ["a", "c", "d", "e"])
        #expect(model.cursorNotification?.id == "c")
        #expect(model.inbox.state(of: "b") == .read)
    }

    @Test func markingLastRowMovesCursorUp() {
        var model = Fixture.five()
        _ = model.type("G")
        #expect(Fixture.sent(model.type("r")) == ["read:e"])
        #expect(model.cursorNotification?.id == "d")
    }

    @Test func noReceiptWhenStateDoesNotChange() {
        var model = Fixture.five()
        model.apply([.receipts([Fixture.receipt(.read, "a")])])
        #expect(model.cursorNotification?.id == "b")  // a left the Unread view under the cursor
        _ = model.type("vg")  // All, first row: a is read
        #expect(model.cursorNotification?.id == "a")
        #expect(model.type("r").isEmpty)
        #expect(model.message == "nothing to change")
        #expect(Fixture.sent(model.type("u")) == ["unread:a"])
        #expect(Fixture.ids(model) == ["a", "b", "c", "d", "e"])
    }

    @Test func taggedRowsAreActedOnInsteadOfCursor() {
        var model = Fixture.five()
        _ = model.type("tjt")  // tag a, move to c, tag c (cursor now on d)
        #expect(model.tags == ["a", "c"])
        #expect(model.cursorNotification?.id == "d")
        let effects = model.type("a")
        #expect(Fixture.sent(effects) == ["acknowledged:a", "acknowledged:c"])
        #expect(Fixture.ids(model) == ["b", "d", "e"])
        #expect(model.tags.isEmpty)
        #expect(model.cursorNotification?.id == "d")
        _ = model.type("v")
        _ = model.type("v")  // Done
        #expect(Fixture.ids(model) == ["a", "c"])
    }

    @Test func tagAllTogglesEveryRowInView() {
        var model = Fixture.five()
        _ = model.type("T")
        #expect(model.tags.count == 5)
        #expect(Fixture.render(model).line(1) == "●* grp  1m bob      title a")
        _ = model.type("T")
        #expect(model.tags.isEmpty)
    }

    @Test func markAllReadCoversExactlyTheRowsInViewWhenAsked() {
        var model = Fixture.five()
        #expect(model.type("R").isEmpty)
        #expect(model.prompt == .markAllRead(rows: model.rows, changing: 5))
        #expect(Fixture.render(model).line(9) == "Mark 5 read? y/n")
        model.apply([.arrived([Fixture.note("late", minutesAgo: 0)])])
        #expect(Fixture.ids(model).first == "late")
        let effects = model.type("y")
        #expect(Fixture.sent(effects) == ["read:a", "read:b", "read:c", "read:d", "read:e"])
        #expect(Fixture.ids(model) == ["late"])
        #expect(model.inbox.state(of: "late") == .unread)
    }

    @Test func markAllReadCanBeDeclined() {
        var model = Fixture.five()
        _ = model.type("R")
        #expect(model.type("n").isEmpty)
        #expect(model.prompt == nil)
        #expect(model.inbox.counts.count(.unread) == 5)
        #expect(model.message == "cancelled")
    }

    @Test func undoSendsTheOppositeReceiptsLevelByLevel() {
        var model = Fixture.five()
        _ = model.type("r")          // a read
        _ = model.type("a")          // b acknowledged
        #expect(Fixture.ids(model) == ["c", "d", "e"])
        #expect(Fixture.sent(model.type("z")) == ["unread:b"])
        #expect(Fixture.ids(model) == ["b", "c", "d", "e"])
        #expect(model.cursorNotification?.id == "b")
        #expect(Fixture.sent(model.type("z")) == ["unread:a"])
        #expect(Fixture.ids(model) == ["a", "b", "c", "d", "e"])
        #expect(model.type("z").isEmpty)
        #expect(model.message == "nothing to undo")
    }

    @Test func undoRestoresThePreviousStateNotJustUnread() {
        var model = Fixture.five()
        model.apply([.receipts([Fixture.receipt(.read, "a")])])
        _ = model.type("v")          // All
        _ = model.type("T")
        _ = model.type("a")          // all acknowledged
        #expect(Fixture.sent(model.type("z")) == ["read:a", "unread:b", "unread:c", "unread:d", "unread:e"])
        #expect(model.inbox.state(of: "a") == .read)
    }

    @Test func enterOpensPreviewMarksReadAndKeepsRowUntilCursorMoves() {
        var model = Fixture.five()
        #expect(Fixture.sent(model.handle(.enter)) == ["read:a"])
        #expect(model.previewShown)
        #expect(Fixture.ids(model) == ["a", "b", "c", "d", "e"])
        #expect(Fixture.render(model).line(1) == "   grp  1m bob      title a")
        _ = model.type("j")
        #expect(Fixture.ids(model) == ["b", "c", "d", "e"])
        #expect(model.cursorNotification?.id == "b")
    }

    @Test func enterWithoutMarkReadOnOpenSendsNothing() {
        var model = Fixture.model([Fixture.note("a")], markReadOnOpen: false)
        #expect(model.handle(.enter).isEmpty)
        #expect(model.previewShown)
        #expect(model.inbox.state(of: "a") == .unread)
    }

    @Test func openCopyQuitEffects() {
        var model = Fixture.model([Fixture.note("a", minutesAgo: 1, url: "https://app.test/g/1"),
                                   Fixture.note("b", minutesAgo: 2, url: "javascript:alert(1)"),
                                   Fixture.note("c", minutesAgo: 3)])
        #expect(model.type("o") == [.openURL("https://app.test/g/1")])
        #expect(model.type("y") == [.copy("https://app.test/g/1")])
        _ = model.type("j")
        #expect(model.type("o").isEmpty)
        #expect(model.message == "not opening: only plain http(s) URLs are opened")
        _ = model.type("j")
        #expect(model.type("y") == [.copy("c")])
        #expect(model.type("o").isEmpty)
        #expect(model.message == "no URL")
        #expect(model.type("q") == [.quit])
    }
}

@Suite struct NavigationTests {
    @Test func searchIsIncrementalCaseInsensitiveAndWraps() {
        var model = Fixture.model([
            Fixture.note("a", minutesAgo: 1, title: "Deploy finished"),
            Fixture.note("b", minutesAgo: 2, title: "comment", actor: "Graph-Bot"),
            Fixture.note("c", minutesAgo: 3, title: "other", body: "the GRAPH was shared"),
            Fixture.note("d", minutesAgo: 4, title: "graphs everywhere"),
        ])
        _ = model.type("/gr")
        #expect(model.search.editing)
        #expect(model.cursorNotification?.id == "b")
        #expect(Fixture.render(model).line(9) == "/gr")
        _ = model.handle(.enter)
        #expect(!model.search.editing)
        _ = model.type("n")
        #expect(model.cursorNotification?.id == "c")
        _ = model.type("n")
        #expect(model.cursorNotification?.id == "d")
        _ = model.type("n")
        #expect(model.cursorNotification?.id == "b")
        #expect(model.message == "search wrapped")
        _ = model.type("N")
        #expect(model.cursorNotification?.id == "d")
    }

    @Test func searchSaysSoWhenNothingMatches() {
        var model = Fixture.five()
        _ = model.type("/zq")
        #expect(Fixture.render(model).line(9) == "/zq   (no match)")
        #expect(model.cursorNotification?.id == "a", "the cursor stays where it was")
        _ = model.handle(.enter)
        #expect(model.message == "no match: zq")
        #expect(Fixture.render(model).line(9) == "no match: zq")
        _ = model.type("/title")
        #expect(Fixture.render(model).line(9) == "/title")
    }

    @Test func searchEscapeReturnsToWhereItStarted() {
        var model = Fixture.five()
        _ = model.type("j/title d")
        #expect(model.cursorNotification?.id == "d")
        _ = model.handle(.escape)
        #expect(model.cursorNotification?.id == "b")
        _ = model.type("/zzz")
        #expect(model.message == "no match: zzz")
        #expect(model.cursorNotification?.id == "b")
    }

    @Test func viewsCycleAndKindFiltersApply() {
        var model = Fixture.five()
        model.apply([.receipts([Fixture.receipt(.read, "a"), Fixture.receipt(.acknowledged, "d")])])
        #expect(Fixture.ids(model) == ["b", "c", "e"])
        _ = model.type("v")
        #expect(model.view == .all)
        #expect(Fixture.ids(model) == ["a", "b", "c", "d", "e"])
        _ = model.type("2")
        #expect(Fixture.ids(model) == ["b", "d"])
        _ = model.type("v")
        #expect(model.view == .done)
        #expect(Fixture.ids(model) == ["d"])
        _ = model.type("v")
        #expect(model.view == .snoozed)
        #expect(Fixture.ids(model) == [])
        _ = model.type("0v")
        #expect(model.view == .unread)
        #expect(Fixture.ids(model) == ["b", "c", "e"])
        _ = model.type("1")
        #expect(Fixture.ids(model) == ["e"])
        #expect(Fixture.render(model).line(0) == "Unread  G 1 · O 1 · W 1 · All 3")
        #expect(Fixture.render(model)[0, 8].style.underline)
    }

    @Test func cursorStaysOnSameNotificationWhenRowsArriveAbove() {
        var model = Fixture.five()
        _ = model.type("jj")
        #expect(model.cursorNotification?.id == "c")
        model.apply([.arrived([Fixture.note("new1", minutesAgo: 0), Fixture.note("new2", minutesAgo: 0, offset: 1)])])
        #expect(model.cursor == 4)
        #expect(model.cursorNotification?.id == "c")
        // A batch large enough to rebuild the list keeps it too.
        let many = (0..<100).map { Fixture.note("bulk\($0)", kind: .group, minutesAgo: 0, offset: Int64(10 + $0)) }
        model.apply([.arrived(many)])
        #expect(model.cursorNotification?.id == "c")
        #expect(model.cursor == 104)
    }

    @Test func catchUpInSmallBatchesKeepsTheCursorOnTheNewestRow() {
        var model = InboxModel()
        model.apply([.arrived([Fixture.note("old", minutesAgo: 9)]), .catchUp(loaded: 1, total: 3, done: false)])
        #expect(model.cursorNotification?.id == "old")
        model.apply([.arrived([Fixture.note("newer", minutesAgo: 5, offset: 1)])])
        model.apply([.arrived([Fixture.note("newest", minutesAgo: 1, offset: 2)]), .catchUp(loaded: 3, total: 3, done: true)])
        #expect(model.cursor == 0)
        #expect(model.cursorNotification?.id == "newest")
        // Once up to date, the cursor follows its notification when one arrives above it.
        model.apply([.arrived([Fixture.note("live", minutesAgo: 0, offset: 3)])])
        #expect(model.cursorNotification?.id == "newest")
        #expect(model.cursor == 1)
    }

    @Test func aKeyDuringCatchUpPinsTheCursorToItsNotification() {
        var model = InboxModel()
        model.apply([.arrived([Fixture.note("a", minutesAgo: 9), Fixture.note("b", minutesAgo: 8, offset: 1)])])
        _ = model.type("j")
        #expect(model.cursorNotification?.id == "a")
        model.apply([.arrived([Fixture.note("c", minutesAgo: 1, offset: 2)])])
        #expect(model.cursorNotification?.id == "a")
    }

    @Test func receiptsFromAnotherTerminalMoveRowsLive() {
        var model = Fixture.five()
        _ = model.type("j")
        model.apply([.receipts([Fixture.receipt(.read, "b")])])
        #expect(Fixture.ids(model) == ["a", "c", "d", "e"])
        #expect(model.cursorNotification?.id == "c")
        model.apply([.receipts([Fixture.receipt(.unread, "b")])])
        #expect(Fixture.ids(model) == ["a", "b", "c", "d", "e"])
        #expect(model.cursorNotification?.id == "c")
        #expect(Fixture.render(model).line(0) == "Unread  G 2 · O 2 · W 1 · All 5")
    }

    @Test func pagingUsesTheLayoutHeight() {
        let notes = (0..<30).map { Fixture.note("n\($0)", minutesAgo: Int64($0)) }
        var model = Fixture.model(notes)
        model.updateLayout(InboxRenderer().render(model, rows: 10, cols: 40, nowMs: Fixture.now).1)
        _ = model.handle(.pageDown)
        #expect(model.cursor == 7)
        _ = model.handle(.ctrl("d"))
        #expect(model.cursor == 14)
        #expect(model.scroll == 8)
        let grid = Fixture.render(model)
        #expect(grid.line(7) == "●  own 14m bob      title n14")
        _ = model.type("G")
        #expect(model.cursor == 29)
        _ = model.handle(.ctrl("u"))
        #expect(model.cursor == 22)
    }
}
