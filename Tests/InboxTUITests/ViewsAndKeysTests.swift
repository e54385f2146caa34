import InboxEvents
import InboxCore
import Testing
@testable import InboxTUI

/// Saved views as tabs, and `[keys]` rebinding, as the screen shows them.
@Suite struct ViewsAndKeysTests {
    @Test func tabsShowTheirCountsAndSwitchWithTabAndBrackets() throws {
        let views = [SavedView(name: "Bob", query: try InboxQuery("from:bob")), SavedView(name: "Carol", query: try InboxQuery("from:carol"))]
        var model = InboxModel(views: views)
        let notes = [Fixture.note("a", actor: "bob"), Fixture.note("b", minutesAgo: 2, actor: "carol"), Fixture.note("c", minutesAgo: 3, actor: "bob")]
        model.apply([.arrived(notes), .catchUp(loaded: 3, total: 3, done: true)])
        #expect(Fixture.render(model, cols: 80).line(0) == "Unread  Group 0 · Owner 3 · Watching 0 · All 3  │ Bob 2 Carol 1")
        _ = model.handle(.tab)
        #expect(Fixture.ids(model) == ["a", "c"])
        #expect(Fixture.render(model, cols: 80).line(0).hasPrefix("Bob  "))
        _ = model.type("r")
        #expect(Fixture.render(model, cols: 80).line(0).hasSuffix("│ Bob 1 Carol 1"))
        _ = model.type("]")
        #expect(Fixture.ids(model) == ["b"])
        _ = model.type("]")
        #expect(model.tab == nil && Fixture.ids(model) == ["b", "c"])
        _ = model.handle(.backTab)
        #expect(model.tab == 1)
    }

    @Test func aReboundKeyDoesItsNewActionAndTheHelpSaysSo() throws {
        let map = try KeyMap.standard.rebinding([("x", "mark-read", "line 3"), ("ctrl-r", "done", "line 4"), ("r", "undo", "line 5")])
        #expect(map.action(for: .char("x")) == .markRead)
        #expect(map.action(for: .ctrl("r")) == .acknowledge)
        #expect(map.action(for: .char("r")) == .undo)
        #expect(map.helpLines().contains { $0.hasPrefix("x") && $0.contains("mark read") })
        var model = InboxModel(keyMap: map)
        model.apply([.arrived([Fixture.note("a")]), .catchUp(loaded: 1, total: 1, done: true)])
        #expect(Fixture.sent(model.type("x")) == ["read:a"])
    }

    @Test func filterAppliesOnEnterWithinTheViewAndEscClearsIt() throws {
        var model = InboxModel()
        model.apply([.arrived([Fixture.note("a", actor: "bob"), Fixture.note("b", minutesAgo: 2, actor: "carol"),
                               Fixture.note("c", minutesAgo: 3, actor: "bob")]),
                     .receipts([Fixture.receipt(.read, "c")]), .catchUp(loaded: 3, total: 3, done: true)])
        _ = model.type("Ffrom:bob")
        #expect(model.prompt?.text.hasSuffix("from:bob") == true)
        #expect(Fixture.ids(model) == ["a", "b"], "nothing changes before Enter")
        _ = model.handle(.enter)
        #expect(Fixture.ids(model) == ["a"], "within Unread: c is read")
        #expect(Fixture.render(model, cols: 80).line(0).hasPrefix("Unread F: from:bob  "))
        _ = model.type("v")
        #expect(Fixture.ids(model) == ["a", "c"], "the filter follows the view")
        _ = model.type("Fx OR")
        _ = model.handle(.enter)
        #expect(model.message?.contains("OR needs a term") == true && model.prompt != nil)
        _ = model.handle(.escape)
        _ = model.handle(.escape)
        #expect(model.filterQuery == nil && Fixture.ids(model) == ["a", "b", "c"])
    }

    @Test func threadRowsStandForExactlyTheirNotifications() {
        func note(_ id: String, _ minutes: Int64, object: String?) -> Notification {
            var n = Fixture.note(id, minutesAgo: minutes, offset: minutes)
            n.objectType = object.map { _ in "graph" }
            n.objectID = object
            return n
        }
        var model = InboxModel()
        model.apply([.arrived([note("a1", 1, object: "1"), note("b", 2, object: nil), note("a2", 3, object: "1"), note("c1", 4, object: "2")]),
                     .catchUp(loaded: 4, total: 4, done: true)])
        _ = model.type("=")
        #expect(Fixture.ids(model) == ["a1", "b", "c1"])
        #expect(Fixture.render(model, cols: 80).line(1).contains("(2 · 2 unread) title a1"))
        // A notification of thread 1 arrives after the row was drawn; r marks what the row stood for.
        model.apply([.arrived([note("a3", 9, object: "1")])])
        _ = model.type("l")
        #expect(Fixture.ids(model) == ["a1", "a2", "a3"])
        _ = model.handle(.escape)
        #expect(Fixture.ids(model) == ["a1", "b", "c1"])
        let sent = Fixture.sent(model.type("r"))
        #expect(sent == ["read:a1", "read:a2", "read:a3"])
        #expect(Fixture.ids(model) == ["b", "c1"])
    }

    @Test func theMouseSelectsOpensScrollsAndSwitchesTabs() throws {
        var model = InboxModel(views: [SavedView(name: "Bob", query: try InboxQuery("from:bob"))])
        model.apply([.arrived((1...8).map { Fixture.note("n\($0)", minutesAgo: Int64($0), actor: $0 % 2 == 0 ? "bob" : "carol") }),
                     .catchUp(loaded: 8, total: 8, done: true)])
        func frame() {
            let (_, layout) = InboxRenderer().render(model, rows: 12, cols: 80, nowMs: Fixture.now)
            model.updateLayout(layout)
        }
        frame()
        _ = model.handle(.mouse(row: 3, col: 10, kind: .click))
        #expect(model.cursor == 2)
        _ = model.handle(.mouse(row: 5, col: 10, kind: .wheelDown))
        #expect(model.cursor == 5)
        let effects = model.handle(.mouse(row: 2, col: 10, kind: .doubleClick))
        #expect(model.previewShown && Fixture.sent(effects) == ["read:n2"])
        frame()
        let header = Fixture.render(model, rows: 12, cols: 80).line(0)
        let bobColumn = try #require(header.range(of: "Bob 3")).lowerBound.utf16Offset(in: header)
        _ = model.handle(.mouse(row: 0, col: bobColumn + 1, kind: .click))
        #expect(model.tab == 0)
    }

    @Test func everyActionHasAReadableName() {
        #expect(KeyMap.name(of: .openURL) == "open-url")
        #expect(KeyMap.name(of: .markAllRead) == "mark-all-read")
        for a in Action.allCases { #expect(KeyMap.action(named: KeyMap.name(of: a)) == a) }
    }

    @Test func badBindingsNameTheirLine() {
        func message(_ pairs: [(key: String, action: String, origin: String)]) -> String {
            do { _ = try KeyMap.standard.rebinding(pairs); return "accepted" } catch { return error.message }
        }
        #expect(message([("x", "explode", "config line 7")]).hasPrefix("config line 7: unknown action 'explode'"))
        #expect(message([("ctrl-", "undo", "config line 2")]).hasPrefix("config line 2: unknown key 'ctrl-'"))
        #expect(message([("^r", "undo", "line 2"), ("ctrl-r", "quit", "line 3")]).hasPrefix("line 3: key '^r' is already bound to undo at line 2"))
        #expect(message([("Q", "quit", "l1"), ("q", "undo", "l2")]) == "accepted")
    }
}
