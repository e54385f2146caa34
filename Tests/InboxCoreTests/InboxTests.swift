import Testing
@testable import InboxCore

@Suite struct InboxTests {
    func note(_ id: String, kind: Kind = .owner, at ms: Int64, offset: Int64 = 0) -> Notification {
        Notification(id: id, kind: kind, title: "t \(id)", createdAtMs: ms,
                     source: SourcePosition(topic: "notify.alice.\(kind)", partition: 0, offset: offset))
    }

    func receipt(_ type: ReceiptType, _ id: String) -> Receipt {
        Receipt(type: type, receiptID: IDGenerator.next(), notificationID: id, user: "alice", kind: nil,
                at: "2026-11-25T14:00:00.000Z", client: nil, source: nil)
    }

    @Test func duplicateIDsAppearOnce() {
        var inbox = Inbox()
        let first = inbox.insert(note("a", at: 1))
        let second = inbox.insert(note("a", at: 1, offset: 7))
        #expect(first)
        #expect(!second)
        #expect(inbox.count == 1)
        #expect(inbox.duplicateCount == 1)
        #expect(inbox.counts.count(.unread) == 1)
    }

    @Test func latestReceiptWinsAndCountsFollow() {
        var inbox = Inbox()
        inbox.insert(note("a", kind: .group, at: 1))
        inbox.insert(note("b", kind: .owner, at: 2))
        inbox.apply(receipt(.read, "a"))
        inbox.apply(receipt(.acknowledged, "a"))
        inbox.apply(receipt(.unread, "b"))
        #expect(inbox.state(of: "a") == .acknowledged)
        #expect(inbox.state(of: "b") == .unread)
        #expect(inbox.counts.count(.unread, kind: .group) == 0)
        #expect(inbox.counts.count(.acknowledged, kind: .group) == 1)
        #expect(inbox.counts.count(in: .unread) == 1)
        #expect(inbox.counts.count(in: .done) == 1)
    }

    @Test func receiptBeforeNotificationApplies() {
        var inbox = Inbox()
        inbox.apply(receipt(.read, "late"))
        inbox.insert(note("late", at: 5))
        #expect(inbox.state(of: "late") == .read)
        #expect(inbox.counts.count(.read) == 1)
        #expect(inbox.counts.count(.unread) == 0)
    }

    @Test func newestFirstWhateverTheArrivalOrder() {
        var inbox = Inbox()
        inbox.insert(note("old", at: 10))
        inbox.insert(note("new", at: 30))
        inbox.insert(note("mid", at: 20))
        let ids = inbox.newestFirst().map { inbox.notification(at: $0).id }
        #expect(ids == ["new", "mid", "old"])
        inbox.apply(receipt(.acknowledged, "mid"))
        let done = inbox.indices(in: .done)
        #expect(done.map { inbox.notification(at: $0).id } == ["mid"])
        let groupUnread = inbox.indices(in: .unread, kinds: [.group])
        #expect(groupUnread.isEmpty)
    }
}
