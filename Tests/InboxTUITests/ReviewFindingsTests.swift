import InboxEvents
import InboxCore
import Testing
@testable import InboxTUI

/// Regressions found in review: each failed before its fix.
@Suite struct ReviewFindingsTests {
    @Test func markingAfterAClearedFilterDoesNotCrash() {
        var model = InboxModel()
        model.apply([.arrived([Fixture.note("a"), Fixture.note("b", minutesAgo: 2)]), .catchUp(loaded: 2, total: 2, done: true)])
        _ = model.type("Ftitle")
        _ = model.handle(.enter)
        _ = model.handle(.escape)
        #expect(model.filterQuery == nil)
        #expect(Fixture.sent(model.type("r")) == ["read:a"])
        _ = model.type("Fb")
        _ = model.handle(.enter)
        _ = model.type("F")
        _ = model.handle(.escape)
        #expect(Fixture.sent(model.type("r")) == ["read:b"])
    }

    @Test func aTimedMuteEndsByTheClockAlone() {
        var model = InboxModel()
        model.clock = { Fixture.now }
        model.apply([.arrived([Fixture.note("a", actor: "carol")]), .catchUp(loaded: 1, total: 1, done: true)])
        var r = Fixture.receipt(.mute, "")
        r.mute = Mute(scope: .actor("carol"), untilMs: Fixture.now + 60_000)
        model.apply([.receipts([r])])
        #expect(Fixture.ids(model).isEmpty)
        #expect(model.nextWakeMs == Fixture.now + 60_000)
        model.clock = { Fixture.now + 60_001 }
        let changed = model.tick()
        #expect(changed && Fixture.ids(model) == ["a"])
    }

    @Test func aTaggedTabCountsWhatRulesTag() throws {
        final class ByActor: NotificationPredicate {
            func matches(_ n: Notification, state: ReadState) -> Bool { n.actor == "ci-bot" }
        }
        let rule = TriageRule(label: "rules[1]", source: "ci", predicate: ByActor(), actions: [.tag("ci")])
        var model = InboxModel(triage: TriageConfig(rules: [rule]), views: [SavedView(name: "Tagged", query: try InboxQuery("is:tagged"))])
        model.apply([.arrived([Fixture.note("a", actor: "ci-bot"), Fixture.note("b", minutesAgo: 2)]),
                     .catchUp(loaded: 2, total: 2, done: true)])
        #expect(model.inbox.unreadCount(query: 0) == 1)
        _ = model.handle(.tab)
        #expect(Fixture.ids(model) == ["a"])
    }

    @Test func aThreadWithoutAUsableTypeCannotBeMuted() {
        var n = Fixture.note("a")
        n.objectType = ""
        n.objectID = "5"
        var model = InboxModel()
        model.apply([.arrived([n]), .catchUp(loaded: 1, total: 1, done: true)])
        _ = model.type("m")
        #expect(model.prompt == .mute(index: 0, hasThread: false))
        #expect(model.type("t").isEmpty)
    }
}
