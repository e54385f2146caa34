import Foundation
import InboxCore
import InboxEvents
import InboxService
import KafkaKit
import Testing

/// The interactive inbox's whole pipeline (outbox, sender, snapshot, consumer thread) in
/// process, against the embedded broker over TCP, with no terminal.
@Suite(.serialized) struct PipelineTests {
    @Test func thePipelineRunsTwiceInOneProcessAndTheSecondSeesTheFirstsReceipts() throws {
        let f = try ServiceFixture()
        try f.publish(5)

        let (first, seen, inbox) = try f.caughtUpPipeline(5)
        let target = try #require(seen.notifications.first { $0.id == "n-2" })
        first.send([ReceiptRequest(notificationID: target.id, kind: target.kind, source: target.source, type: .read)])
        #expect(first.finish(inbox, flushTimeout: .seconds(20)).unconfirmed == 0, "the receipt is confirmed before finish returns")

        let second = try InboxPipeline(settings: f.settings, kinds: nil)
        second.start()
        var again: [InboxEvent] = []
        let sawRead = waitFor(second.events, seen: &again) { events in
            events.caughtUp && events.contains { e in
                if case .receipts(let list) = e { return list.contains { $0.notificationID == "n-2" && $0.type == .read } }
                return false
            }
        }
        #expect(sawRead, "the second pipeline reads the first one's receipt from the receipts topic")
        second.finish(Inbox(), flushTimeout: .zero)
        #expect(try f.receiptsOnTopic().filter { $0.notificationID == "n-2" }.count == 1)
    }

    @Test func theSnapshotWrittenAtFinishIsResumedByTheNextPipeline() throws {
        let f = try ServiceFixture()
        try f.publish(4)
        let (first, _, inbox) = try f.caughtUpPipeline(4)
        first.finish(inbox, flushTimeout: .zero)
        #expect(FileManager.default.fileExists(atPath: f.settings.snapshotPath))

        try f.publish(1, prefix: "later")
        let second = try InboxPipeline(settings: f.settings, kinds: nil)
        let restored = second.takeRestored()
        #expect(restored.count == 4, "the snapshot is shown before Kafka is read")
        second.start()
        var more: [InboxEvent] = []
        #expect(waitFor(second.events, seen: &more) { $0.caughtUp && $0.notifications.map(\.id).contains("later-0") })
        #expect(!more.contains { if case .resetInbox = $0 { return true } else { return false } })
        #expect(more.notifications.map(\.id) == ["later-0"], "only what is newer than the snapshot is read")
        second.finish(restored, flushTimeout: .zero)
    }

    @Test func anUnreachableBrokerIsAStatusAndStopStillReturns() throws {
        var settings = try ServiceFixture().settings
        settings.kafka.set("bootstrap.servers", "127.0.0.1:1")
        settings.timeoutMs = 300
        let pipeline = try InboxPipeline(settings: settings, kinds: nil)
        pipeline.start()
        var seen: [InboxEvent] = []
        let said = waitFor(pipeline.events, seen: &seen) { events in
            events.contains { if case .connection(.unreachable) = $0 { return true } else { return false } }
        }
        #expect(said)
        pipeline.finish(Inbox(), flushTimeout: .zero)
    }
}
