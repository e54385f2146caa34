import Foundation
import InboxCore
import InboxEvents
import InboxService
import KafkaKit
import Testing

/// Tail first: the consumer thread reads the newest part of each partition before its
/// history, and the latest receipt of each notification still wins.
@Suite(.serialized) struct TailFirstTests {
    /// The inbox the UI would hold after `events`, applied in order.
    func inbox(after events: [InboxEvent]) -> Inbox {
        var inbox = Inbox()
        for e in events {
            switch e {
            case .notifications(let batch): inbox.insert(contentsOf: batch)
            case .receipts(let list): for r in list { inbox.applyEvent(r) }
            default: break
            }
        }
        return inbox
    }

    @Test func theNewestRowsComeFirstAndTheLatestReceiptStillWins() throws {
        let f = try ServiceFixture(partitions: 2)
        try f.publish(1_000)
        let factory = ReceiptFactory(user: "alice")
        let source = SourcePosition(topic: f.settings.layout.topic(user: "alice", kind: .owner), partition: 0, offset: 0)
        func receipt(_ type: ReceiptType, _ i: Int) -> OutgoingMessage {
            factory.message(factory.receipt(type, id: "n-\(i)", kind: "owner", source: source), layout: f.settings.layout)
        }
        // Early (history): n-999 and n-998 read. Then 700 others read. Last (tail): n-999 unread again.
        let receipts = [receipt(.read, 999), receipt(.read, 998)] + (0..<700).map { receipt(.read, $0) } + [receipt(.unread, 999)]
        #expect(try DeliveryEngine(settings: f.settings).deliver(receipts).allSatisfy { $0 == nil })

        let pipeline = try InboxPipeline(settings: f.settings, kinds: nil, snapshots: false)
        pipeline.start()
        defer { pipeline.finish(Inbox(), flushTimeout: .zero) }
        var seen: [InboxEvent] = []
        #expect(waitFor(pipeline.events, seen: &seen) { $0.caughtUp })
        let first = try #require(seen.first { if case .notifications = $0 { return true } else { return false } })
        let firstIDs = [first].notifications.compactMap { Int($0.id.dropFirst(2)) }
        #expect(!firstIDs.isEmpty && firstIDs.min()! >= 700, "the first batch is the newest rows: \(firstIDs.min() ?? -1)")
        let all = seen.notifications
        #expect(all.count == 1_000 && Set(all.map(\.id)).count == 1_000, "every notification once")
        let inbox = inbox(after: seen)
        #expect(inbox.state(of: "n-999") == .unread, "the tail's later receipt wins over the history's")
        #expect(inbox.state(of: "n-998") == .read)
        #expect((0..<700).allSatisfy { inbox.state(of: "n-\($0)") == .read })
        #expect((700..<998).allSatisfy { inbox.state(of: "n-\($0)") == .unread })
        let done = seen.last { if case .catchUp(_, _, true) = $0 { return true } else { return false } }
        if case .catchUp(let loaded, let total, _)? = done { #expect(loaded == total && total == 1_703) }

        // Live after catch-up: a new notification arrives once, after the backlog.
        try f.publish(1, prefix: "live")
        #expect(waitFor(pipeline.events, seen: &seen) { $0.notifications.contains { $0.id == "live-0" } })
        #expect(seen.notifications.count == 1_001)
    }

    @Test func positionsAfterCatchUpAreTheEndsSoASnapshotResumesThere() throws {
        let f = try ServiceFixture(partitions: 2)
        try f.publish(600)
        let reader = try f.settings.startReader(kinds: nil) { $0.tailFirst = 64 }
        defer { reader.close() }
        var seen = 0
        while !reader.caughtUp { seen += reader.step(timeoutMs: 200).notifications.count }
        #expect(seen == 600)
        let notes = reader.positions.filter { $0.key.topic != f.settings.receiptsTopic }
        #expect(notes.values.reduce(0, +) == 600, "every partition's next offset is its end: \(notes)")
        try f.publish(1, prefix: "live")
        var live = 0
        #expect(waitUntil { live += reader.step(timeoutMs: 100).notifications.count; return live == 1 })
        let after = reader.positions.filter { $0.key.topic != f.settings.receiptsTopic }
        #expect(after.values.reduce(0, +) == 601, "the first live message moves its partition's position")
    }

    /// No partition's history is read before every partition's tail is in (history fetched
    /// early queues ahead of the tails still to come, and the first screen waits behind it).
    @Test(arguments: [false, true]) func everyTailIsReadBeforeAnyHistory(barrier: Bool) throws {
        let f = try ServiceFixture(partitions: 12, brokers: 3)
        for kind in [Kind.group, .owner, .watching] { try f.publish(1_500, kind: kind) }
        let reader = try f.settings.startReader(kinds: nil) { r in
            r.tailFirst = 64
            r.tailBarrierMs = barrier ? 60_000 : 0
        }
        defer { reader.close() }
        var order: [SourcePosition] = []
        while !reader.caughtUp { order += reader.step(timeoutMs: 200).notifications.notifications.map(\.source) }
        #expect(order.count == 4_500)
        // The tail of a partition: its newest max(16, 4 × 64 / 12) = 22 rows (`tailPlan`).
        var ends: [String: Int64] = [:]
        for s in order { ends["\(s.topic)/\(s.partition)"] = max(ends["\(s.topic)/\(s.partition)"] ?? 0, s.offset + 1) }
        let isTail = { (s: SourcePosition) in s.offset >= ends["\(s.topic)/\(s.partition)"]! - 22 }
        #expect(order.filter(isTail).count == 36 * 22)
        if barrier {
            let lastTail = try #require(order.lastIndex(where: isTail))
            let firstHistory = try #require(order.firstIndex { !isTail($0) })
            #expect(lastTail < firstHistory, "tail message at \(lastTail), history from \(firstHistory)")
        }
    }
}
