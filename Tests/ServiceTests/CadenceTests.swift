import Foundation
import InboxCore
import InboxEvents
@testable import InboxService
import Testing

/// The engines' intervals are configuration: back-off, snapshot cadence and replay are
/// checked in milliseconds.
@Suite(.serialized) struct CadenceTests {
    @Test func backoffDoublesUpToItsLimit() {
        var timings = ServiceTimings()
        timings.firstBackoff = .milliseconds(10)
        timings.maxBackoff = .milliseconds(70)
        var state = SenderState(timings: timings)
        let r = ReceiptFactory(user: "alice").receipt(.read, id: "n-1", kind: "owner", source: nil)
        let now = ContinuousClock.now
        var waits: [Duration] = []
        for _ in 0..<5 {
            state.retryLater([r], now: now)
            waits.append(state.backoff(for: r))
            _ = state.dueRetries(now: now + .seconds(1))
        }
        #expect(waits == [.milliseconds(10), .milliseconds(20), .milliseconds(40), .milliseconds(70), .milliseconds(70)])
        #expect(state.dueRetries(now: now).isEmpty, "nothing is due before its back-off")
    }

    @Test func theOpenInboxWritesItsSnapshotAtTheConfiguredCadence() throws {
        let f = try ServiceFixture()
        try f.publish(3)
        let (pipeline, _, inbox) = try f.caughtUpPipeline(3)
        // The UI calls this before each wait; the snapshot interval here is 50 ms.
        let written = waitUntil(timeout: .seconds(10)) {
            pipeline.beforeWait(inbox)
            return FileManager.default.fileExists(atPath: f.settings.snapshotPath)
        }
        #expect(written, "written while the inbox stays open, not only at quit")
        pipeline.finish(inbox, flushTimeout: .zero)
    }

    @Test func anEarlierRunsEntryIsReplayedOnceWithItsOwnReceiptID() throws {
        let f = try ServiceFixture()
        try f.publish(2)
        // An earlier run left a receipt for n-0 in the outbox.
        let earlier = ReceiptFactory(user: "alice").receipt(.acknowledged, id: "n-0", kind: "owner", source: nil)
        try Outbox(path: f.settings.outboxPath).add([earlier])
        let pipeline = try InboxPipeline(settings: f.settings, kinds: nil)
        pipeline.start()
        var seen: [InboxEvent] = []
        #expect(waitFor(pipeline.events, seen: &seen) { $0.caughtUp })
        let n1 = try #require(seen.notifications.first { $0.id == "n-1" })
        pipeline.send([ReceiptRequest(notificationID: n1.id, kind: n1.kind, source: n1.source, type: .read)])
        #expect(pipeline.finish(Inbox(), flushTimeout: .seconds(20)).unconfirmed == 0)
        let onTopic = try f.receiptsOnTopic()
        #expect(onTopic.map(\.notificationID).sorted() == ["n-0", "n-1"], "each receipt once")
        #expect(onTopic.first { $0.notificationID == "n-0" }?.receiptID == earlier.receiptID, "replayed with its own receipt id")
        #expect(try Outbox(path: f.settings.outboxPath).pending().isEmpty)
    }
}
