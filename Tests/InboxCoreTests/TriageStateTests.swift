import Testing
@testable import InboxCore

/// The inbox state under snoozes, mutes and rules, and the keys on the receipts topic.
@Suite struct TriageStateTests {
    static func note(_ id: String, actor: String = "bob", object: (String, String)? = nil, at ms: Int64 = 1_000) -> Notification {
        Notification(id: id, kind: .owner, title: "t \(id)", actor: actor, createdAtMs: ms, objectType: object?.0,
                     objectID: object?.1, source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: ms))
    }

    static func receipt(_ type: ReceiptType, _ id: String, until: Int64? = nil, mute: Mute? = nil) -> Receipt {
        Receipt(type: type, receiptID: "r-\(id)", notificationID: id, user: "alice", kind: "owner", at: "2026-11-25T14:00:00.000Z",
                client: nil, source: nil, untilMs: until, mute: mute)
    }

    @Test func aSnoozeBeforeItsNotificationAppliesAndEndsByTheClock() {
        var inbox = Inbox()
        inbox.apply(Self.receipt(.snoozed, "a", until: 5_000))
        inbox.insert(Self.note("a"))
        inbox.insert(Self.note("b", at: 2_000))
        #expect(inbox.counts.count(.unread) == 1)
        #expect(inbox.counts.count(in: .snoozed) == 1)
        let early = inbox.expireSnoozes(nowMs: 4_999)
        let due = inbox.expireSnoozes(nowMs: 5_000)
        #expect(early.isEmpty)
        #expect(due == [0])
        #expect(inbox.state(of: "a") == .unread && inbox.wasSnoozed(at: 0))
        #expect(inbox.counts.count(.unread) == 2)
        inbox.setState(.read, for: "a")
        #expect(!inbox.wasSnoozed(at: 0))
    }

    @Test func mutesCountNothingUnreadAndLiftCleanly() {
        var inbox = Inbox()
        inbox.insert(Self.note("a", object: ("graph", "1")))
        inbox.insert(Self.note("b", object: ("graph", "2"), at: 2_000))
        let mute = Mute(scope: .thread(type: "graph", id: "1"), untilMs: 10_000)
        inbox.mutes.apply(Self.receipt(.mute, "", mute: mute))
        let muted = inbox.refreshMutes(nowMs: 0) { _, _ in false }
        #expect(muted == 1)
        #expect(inbox.counts.count(.unread) == 1)
        #expect(inbox.rows(in: .unread, kind: nil).count == 1)
        #expect(inbox.rows(in: .all, kind: nil).count == 2)
        #expect(inbox.isMuted(at: 0))
        // The mute ends at its time.
        let lifted = inbox.refreshMutes(nowMs: 10_000) { _, _ in false }
        #expect(lifted == 1)
        #expect(inbox.counts.count(.unread) == 2)
    }

    @Test func noNotificationIDCanShadowAMuteOrAnAction() {
        let layout = TopicLayout()
        let mute = Mute(scope: .actor("carol"))
        var m = Self.receipt(.mute, "", mute: mute)
        m.notificationID = ""
        let hostile = Self.receipt(.read, "~m/" + mute.id)
        #expect(ReceiptCodec.key(m, layout: layout) == Array(("~m/" + mute.id).utf8))
        #expect(ReceiptCodec.key(hostile, layout: layout) == Array(("~~m/" + mute.id).utf8))
        #expect(ReceiptCodec.key(Self.receipt(.read, "plain"), layout: layout) == Array("plain".utf8))
        var action = Self.receipt(.action, "n1")
        action.action = "approve"
        #expect(ReceiptCodec.key(action, layout: layout) == Array("~a/r-n1".utf8))
    }

    @Test func aRuleDecidesTheSameInEveryInboxAndLeavesDecidedOnesAlone() {
        final class ByActor: NotificationPredicate {
            func matches(_ n: Notification, state: ReadState) -> Bool { n.actor == "ci-bot" }
        }
        let rule = TriageRule(label: "rules[1]", source: ".actor == \"ci-bot\"", predicate: ByActor(),
                              actions: [.read, .tag("ci")])
        var one = Inbox()
        var two = Inbox()
        one.insert(Self.note("x", actor: "ci-bot"))
        two.insert(Self.note("x", actor: "ci-bot"))
        two.insert(Self.note("y", actor: "ci-bot", at: 2_000))
        two.apply(Self.receipt(.unread, "y"))  // the user's own action
        let a = one.applyRules([rule], to: 0..<one.count, nowMs: 5_000)
        let b = two.applyRules([rule], to: 0..<two.count, nowMs: 9_000)
        #expect(a.map(\.receiptID) == b.map(\.receiptID))
        #expect(b.map(\.notification.id) == ["x"])
        #expect(two.state(of: "y") == .unread)
        #expect(one.labels(at: 0) == ["ci"])
        let again = one.applyRules([rule], to: 0..<one.count, nowMs: 5_000)
        #expect(again.isEmpty)  // decided now
    }

    @Test func theSnapshotKeepsSnoozesMutesAndMarks() throws {
        var inbox = Inbox()
        inbox.insert(Self.note("a"))
        inbox.insert(Self.note("b", actor: "carol", at: 2_000))
        inbox.insert(Self.note("c", at: 3_000))
        inbox.setState(.snoozed, for: "a", untilMs: 50_000)
        inbox.setState(.snoozed, for: "c", untilMs: 3_500)
        inbox.expireSnoozes(nowMs: 4_000)
        inbox.setState(.snoozed, for: "ghost", untilMs: 70_000)
        inbox.mutes.add(Mute(scope: .actor("carol"), untilMs: nil))
        inbox.refreshMutes(nowMs: 4_000) { _, _ in false }
        let header = SnapshotHeader(user: "alice", cluster: "c", clusterID: nil, layout: TopicLayout(), writtenAtMs: 0,
                                    partitions: [], writer: "test")
        let back = try SnapshotCodec.decode(SnapshotCodec.encode(header, inbox: inbox)).inbox
        #expect(back.snoozedUntil(at: 0) == 50_000)
        #expect(back.isMuted(at: 1))
        #expect(back.wasSnoozed(at: 2))
        #expect(back.mutes == inbox.mutes)
        #expect(back.orphanSnoozes == ["ghost": 70_000])
        #expect(back.counts == inbox.counts)
    }

    @Test func theSnapshotKeepsWhatTheUserDecidedSoRulesLeaveItAlone() throws {
        var inbox = Inbox()
        inbox.insert(Self.note("a"))
        inbox.setState(.unread, for: "a")  // the user's own "unread"
        inbox.mutes.add(Mute(id: "m1", scope: .actor("x")))
        let header = SnapshotHeader(user: "alice", cluster: "c", clusterID: nil, layout: TopicLayout(), writtenAtMs: 0,
                                    partitions: [], writer: "test")
        let back = try SnapshotCodec.decode(SnapshotCodec.encode(header, inbox: inbox)).inbox
        #expect(back.isDecided(at: 0))
    }

    @Test func negationKeepsItsQuotes() throws {
        let q = try InboxQuery("-\"deploy failed\"")
        var other = Self.note("o")
        other.title = "failed to deploy"
        var exact = Self.note("e")
        exact.title = "the deploy failed"
        #expect(q.matches(other, InboxQuery.Facts(rowClass: .unread)))
        #expect(!q.matches(exact, InboxQuery.Facts(rowClass: .unread)))
    }
}
