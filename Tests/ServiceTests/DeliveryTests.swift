import Foundation
import InboxCore
import InboxEvents
import InboxService
import KafkaKit
import Testing

/// Receipt delivery against the embedded broker: the engine's recovery from a fatal
/// producer error, the sender's adoption and journaling, a key press that never waits.
@Suite(.serialized) struct DeliveryTests {
    func receipt(_ id: String, _ f: ServiceFixture) -> Receipt {
        ReceiptFactory(user: "alice").receipt(.read, id: id, kind: "owner",
                                              source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: 0))
    }

    /// A receipt sender on `f`'s outbox, started.
    func startedSender(_ f: ServiceFixture) throws -> (ReceiptSender, Outbox) {
        let outbox = try Outbox(path: f.settings.outboxPath)
        let sender = ReceiptSender(settings: f.settings, events: try EventQueue(), outbox: outbox, overlay: PendingOverlay())
        sender.start(earlier: [])
        return (sender, outbox)
    }

    @Test func aFatalProducerErrorIsRecoveredAndEveryMessageConfirmedOnce() throws {
        let f = try ServiceFixture()
        let engine = try DeliveryEngine(settings: f.settings)
        var reasons: [String] = []
        engine.onRestart = { reasons.append($0) }
        let factory = ReceiptFactory(user: "alice")
        let receipts = (0..<20).map { receipt("n-\($0)", f) }
        for (i, r) in receipts.enumerated() where i < 10 {
            #expect(engine.produce(factory.message(r, layout: f.settings.layout), token: UInt(i + 1)) == nil)
        }
        engine.raiseFatalErrorForTesting()
        for (i, r) in receipts.enumerated() where i >= 10 {
            #expect(engine.produce(factory.message(r, layout: f.settings.layout), token: UInt(i + 1)) == nil,
                    "kept for the next producer, not refused")
        }
        var done: [UInt: String?] = [:]
        waitUntil {
            for r in engine.poll(timeoutMs: 50) { done[r.token] = r.error }
            return engine.inFlight == 0
        }
        #expect(engine.restarts == 1)
        #expect(reasons.count == 1)
        #expect(done.count == 20 && done.values.allSatisfy { $0 == nil },
                "every message confirmed, also those refused by the failed producer: \(Set(done.values.compactMap { $0 }))")
        let onTopic = try f.receiptsOnTopic()
        #expect(Set(onTopic.map(\.receiptID)) == Set(receipts.map(\.receiptID)), "every receipt reached the topic")
    }

    @Test func theSenderAdoptsWhatACommandLeftInTheOutbox() throws {
        let f = try ServiceFixture()
        let (sender, outbox) = try startedSender(f)
        sender.receiptsCaughtUp()
        defer { sender.stop() }
        // A command (another handle on the same journal) could not deliver and left this one.
        let left = receipt("n-1", f)
        try Outbox(path: f.settings.outboxPath).add([left])
        #expect(try waitUntil { try outbox.pending().isEmpty }, "adopted and delivered within the (20 ms) adoption interval")
        #expect(try f.receiptsOnTopic().map(\.receiptID) == [left.receiptID])
    }

    @Test func aKeyPressDoesNotWaitForTheJournalLock() throws {
        let f = try ServiceFixture()
        let (sender, outbox) = try startedSender(f)
        defer { sender.stop() }
        // Another process holds the journal's lock (as during its fsync or compaction).
        let fd = open(f.settings.outboxPath, O_RDWR)
        #expect(flock(fd, LOCK_EX) == 0)
        let returned = DispatchSemaphore(value: 0)
        let source = SourcePosition(topic: "notify.alice.owner", partition: 0, offset: 0)
        DispatchQueue.global().async {
            sender.enqueue([ReceiptRequest(notificationID: "n-1", kind: .owner, source: source, type: .read)])
            returned.signal()
        }
        #expect(returned.wait(timeout: .now() + 10) == .success, "enqueue returned while the journal was locked")
        #expect(sender.pending == 1)
        flock(fd, LOCK_UN)
        close(fd)
        #expect(sender.flush(timeout: .seconds(20)) == 0, "journaled and delivered once the lock is free")
        #expect(try outbox.pending().isEmpty)
    }

    @Test func receiptsNotJournaledYetAreWrittenAtStop() throws {
        var f = try ServiceFixture()
        f.settings.kafka.set("bootstrap.servers", "127.0.0.1:1")  // nothing is delivered
        let (sender, outbox) = try startedSender(f)
        let source = SourcePosition(topic: "notify.alice.owner", partition: 0, offset: 0)
        sender.enqueue([ReceiptRequest(notificationID: "n-9", kind: .owner, source: source, type: .acknowledged)])
        sender.stop()
        #expect(try outbox.pending().map(\.notificationID) == ["n-9"], "kept in the outbox for the next start")
    }
}
