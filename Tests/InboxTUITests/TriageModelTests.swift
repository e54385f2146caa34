import InboxEvents
import InboxCore
import Testing
@testable import InboxTUI

/// A predicate for tests: a Swift closure standing where a jq filter would.
final class Selects: NotificationPredicate {
    let test: @Sendable (Notification) -> Bool
    init(_ test: @escaping @Sendable (Notification) -> Bool) { self.test = test }
    func matches(_ n: Notification, state: ReadState) -> Bool { test(n) }
}

/// Snooze, mute, rules and actions as a user meets them in the inbox.
@Suite struct TriageModelTests {
    static func model(_ notes: [Notification], rules: [TriageRule] = [], now: Int64 = Fixture.now) -> InboxModel {
        var model = InboxModel(triage: TriageConfig(rules: rules))
        model.clock = { now }
        model.apply([.arrived(notes), .catchUp(loaded: notes.count, total: notes.count, done: true)])
        return model
    }

    static func screen(_ model: InboxModel) -> [String] {
        let grid = Fixture.render(model, rows: 10, cols: 80)
        return (0..<10).map { grid.line($0) }
    }

    @Test func snoozeAsksUntilWhenSendsTheReceiptAndComesBack() {
        var model = Self.model([Fixture.note("a"), Fixture.note("b", minutesAgo: 2)])
        _ = model.type("s")
        #expect(model.prompt?.text.hasPrefix("Snooze until?") == true)
        _ = model.type("2h")
        let effects = model.handle(.enter)
        guard case .send(let requests)? = effects.first, let r = requests.first else { Issue.record("no receipt"); return }
        #expect(r.type == .snoozed && r.notificationID == "a")
        #expect(r.untilMs == Fixture.now + 2 * 3_600_000)
        #expect(Fixture.ids(model) == ["b"])
        #expect(model.inbox.counts.count(.unread) == 1)
        _ = model.type("vvv")
        #expect(model.view == .snoozed)
        #expect(Fixture.ids(model) == ["a"])
        #expect(Self.screen(model).contains { $0.contains("a  [until ") || $0.contains("[until ") && $0.contains("title a") })
        // The time passes: no event, only the clock.
        model.clock = { Fixture.now + 2 * 3_600_000 + 1 }
        #expect(model.nextWakeMs == Fixture.now + 2 * 3_600_000)
        let ticked = model.tick()
        #expect(ticked)
        #expect(Fixture.ids(model) == [])
        _ = model.type("v")
        #expect(Fixture.ids(model) == ["a", "b"])
        #expect(model.inbox.counts.count(.unread) == 2)
        #expect(Self.screen(model).contains { $0.contains("↻") && $0.contains("[was snoozed] title a") })
    }

    @Test func aBadTimeKeepsThePromptAndSaysWhy() {
        var model = Self.model([Fixture.note("a")])
        _ = model.type("sfortnight")
        #expect(model.handle(.enter).isEmpty)
        #expect(model.message?.contains("unknown time") == true)
        #expect(model.prompt != nil)
    }

    @Test func undoOfASnoozeSendsUnread() {
        var model = Self.model([Fixture.note("a")])
        _ = model.type("s1d")
        _ = model.handle(.enter)
        let undone = model.type("z")
        #expect(Fixture.sent(undone) == ["unread:a"])
        #expect(Fixture.ids(model) == ["a"])
    }

    @Test func muteActorTakesRowsOutOfUnreadAndArrivalsStayMuted() {
        var model = Self.model([Fixture.note("a", actor: "carol"), Fixture.note("b", minutesAgo: 2)])
        model.announceArrivals = true
        _ = model.type("m")
        let effects = model.type("a")
        guard case .send(let requests)? = effects.first, let mute = requests.first?.mute else { Issue.record("no mute sent"); return }
        #expect(mute.scope == .actor("carol"))
        #expect(Fixture.ids(model) == ["b"])
        let arrived = model.apply([.arrived([Fixture.note("c", actor: "carol", offset: 5)])])
        #expect(arrived.isEmpty)  // a muted arrival is not alerted
        #expect(model.inbox.counts.count(.unread) == 1)
        _ = model.type("v")
        #expect(Fixture.ids(model) == ["c", "a", "b"])
        // An unmute from another terminal brings them back.
        var unmute = Fixture.receipt(.unmute, "")
        unmute.mute = Mute(id: mute.id, scope: nil)
        model.apply([.receipts([unmute])])
        #expect(model.inbox.counts.count(.unread) == 3)
    }

    @Test func liveArrivalsAreAnnouncedButNotTheBacklog() {
        var model = InboxModel()
        model.clock = { Fixture.now }
        model.announceArrivals = true
        #expect(model.apply([.arrived([Fixture.note("old")])]).isEmpty)
        model.apply([.catchUp(loaded: 1, total: 1, done: true)])
        let effects = model.apply([.arrived([Fixture.note("new", offset: 9)])])
        guard case .arrived(let list)? = effects.first else { Issue.record("no arrival effect"); return }
        #expect(list.map(\.id) == ["new"])
    }

    @Test func rulesWaitForTheReceiptsAndAManualActionWins() {
        let rule = TriageRule(label: "rules[1]", source: ".actor == \"ci-bot\"", predicate: Selects { $0.actor == "ci-bot" },
                              actions: [.read])
        var model = InboxModel(triage: TriageConfig(rules: [rule]))
        model.clock = { Fixture.now }
        model.announceArrivals = true
        // During catch-up: nothing decided yet; the user had marked "y" unread in another terminal.
        let during = model.apply([.arrived([Fixture.note("x", actor: "ci-bot"), Fixture.note("y", actor: "ci-bot", offset: 1)]),
                                  .receipts([Fixture.receipt(.unread, "y")])])
        #expect(Fixture.sent(during).isEmpty)
        let done = model.apply([.catchUp(loaded: 3, total: 3, done: true)])
        #expect(Fixture.sent(done) == ["read:x"])
        guard case .send(let requests)? = done.first else { return }
        #expect(requests[0].receiptID == rule.receiptID(for: "x", action: "read"))
        #expect(requests[0].rule == "rules[1]")
        #expect(Fixture.ids(model) == ["y"])
        // A live arrival the rule reads is not announced.
        let live = model.apply([.arrived([Fixture.note("z", actor: "ci-bot", offset: 2)])])
        #expect(Fixture.sent(live) == ["read:z"])
        #expect(!live.contains { if case .arrived = $0 { return true } else { return false } })
    }

    @Test func anActionIsSentAndMarksDoneALinkOpens() {
        var n = Fixture.note("a")
        n.extra = [ExtraField(key: "actions", value: #"[{"id":"approve","label":"Approve"},{"id":"open","label":"Open","url":"https://example.com/x"}]"#,
                              isJSON: true)]
        var model = Self.model([n])
        _ = model.type("A")
        #expect(model.prompt?.text == "Action: 1 Approve  2 Open")
        let effects = model.type("1")
        #expect(Fixture.sent(effects) == ["action:a", "acknowledged:a"])
        _ = model.type("z")
        _ = model.type("A")
        let opened = model.type("2")
        #expect(opened == [.openURL("https://example.com/x")])
    }
}
