import Foundation
import Testing

/// The durable outbox against the real binary and the embedded broker's fault
/// injection (`broker --control`), checking what the user sees and, with kcat, what is on
/// the receipts topic.
@Suite(.serialized) struct OutboxFaultTests {
    /// The receipt id inside an outbox add line.
    func receiptID(_ addLine: String) throws -> String {
        let o = try #require(try JSONSerialization.jsonObject(with: Data(addLine.utf8)) as? [String: Any])
        let r = try #require(o["receipt"] as? [String: Any])
        return try #require(r["receipt_id"] as? String)
    }

    /// Notification id → receipt ids on the topic (in log order).
    func receiptIDs(_ world: OutboxWorld) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (key, value) in try world.receipts() {
            #expect(value["notification_id"] as? String == key, "receipts are keyed by notification id")
            out[key, default: []].append(value["receipt_id"] as? String ?? "")
        }
        return out
    }

    @Test func brokerDownWhileMarkingThenUpDeliversEveryReceiptOnce() throws {
        let world = try OutboxWorld()
        // Hold delivery (retriable errors) until the receipts are in the outbox, then take
        // the broker down, drop the errors, and bring it back while `read` still waits.
        world.broker.control("produce-errors 100000 request-timed-out")
        let read = try world.background(["read", "n-1", "n-2"])
        let adds = try world.waitForOutbox(adds: 2)
        world.broker.control("down")
        world.broker.control("clear-produce-errors")
        usleep(1_500_000)
        world.broker.control("up")
        let result = read.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("marked 2 of 2 read"), "\(result.stderr)")

        let ids = try receiptIDs(world)
        #expect(Set(ids.keys) == ["n-1", "n-2"])
        // Exactly once in state terms: a duplicate (librdkafka retry) would carry the same receipt id.
        let outboxIDs = try Set(adds.map(receiptID))
        for (key, list) in ids {
            #expect(Set(list).count == 1, "\(key) got receipts \(list)")
            #expect(outboxIDs.contains(list[0]))
        }
        let (states, _) = try world.states()
        #expect(states == ["n-1": "read", "n-2": "read", "n-3": "unread"])
        let outbox = try world.inbox(["outbox"])
        #expect(outbox.stdout.isEmpty && outbox.stderr.contains("0 receipt(s) pending"), "\(outbox.stderr)")
    }

    @Test func nonRetriableErrorsAreKeptReportedAndDeliveredLater() throws {
        let world = try OutboxWorld()
        world.broker.control("produce-errors 5 topic-authorization-failed")
        let read = try world.inbox(["read", "n-1"])
        #expect(read.status == 75, "\(read.stderr)")
        #expect(read.stderr.contains("Topic authorization failed"), "\(read.stderr)")
        #expect(read.stderr.contains("kept in the outbox"), "\(read.stderr)")
        #expect(try world.receipts().isEmpty)
        let kept = try world.inbox(["outbox"])
        #expect(kept.lines.count == 1 && kept.stdout.contains(#""notification_id":"n-1""#), "\(kept.stdout)")
        let keptID = try #require(try JSONSerialization.jsonObject(with: Data(kept.lines[0].utf8)) as? [String: Any])["receipt_id"] as? String

        // Still failing: list says so, but shows the user's own action, not the old state.
        let (states, listed) = try world.states()
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("kept in the outbox"), "\(listed.stderr)")
        #expect(states["n-1"] == "read")

        world.broker.control("clear-produce-errors")
        let count = try world.inbox(["count"])
        #expect(count.status == 0, "\(count.stderr)")
        #expect(count.stdout == "2\n")
        #expect(count.stderr.contains("delivered 1 pending receipt(s)"), "\(count.stderr)")
        let ids = try receiptIDs(world)
        #expect(ids == ["n-1": [try #require(keptID)]])
    }

    @Test func killMinus9AfterTheOutboxWriteLosesNothing() throws {
        let world = try OutboxWorld()
        world.broker.control("produce-errors 100000 request-timed-out")
        let read = try world.background(["read", "n-3"])
        let adds = try world.waitForOutbox(adds: 1)
        read.kill9()
        let killed = read.wait()
        #expect(killed.status == SIGKILL)
        #expect(try world.receipts().isEmpty)
        let pendingID = try receiptID(try #require(adds.first))

        world.broker.control("clear-produce-errors")
        // A later action on the same notification: the pending receipt goes first, then the
        // new one, in one partition, so the latest state is the latest action.
        let unread = try world.inbox(["unread", "n-3"])
        #expect(unread.status == 0, "\(unread.stderr)")
        #expect(unread.stderr.contains("delivered 1 pending receipt(s)"), "\(unread.stderr)")
        let onTopic = try world.receipts()
        #expect(onTopic.map { $0.value["type"] as? String } == ["read", "unread"])
        #expect(onTopic.first?.value["receipt_id"] as? String == pendingID)
        let (states, _) = try world.states()
        #expect(states["n-3"] == "unread")
    }

    @Test func damagedOutboxLinesAreReportedAndTheRestRecovered() throws {
        let world = try OutboxWorld()
        let path = try world.outboxPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        func add(_ id: String, _ rid: String) -> String {
            #"{"op":"add","receipt":{"type":"acknowledged","receipt_id":"\#(rid)","notification_id":"\#(id)","user":"alice","kind":"owner","at":"2026-11-25T14:03:11.120Z"}}"#
        }
        let text = add("n-1", "RID-ONE") + "\n" + "garbage \u{1b}[2J not json\n" + add("n-2", "RID-TWO") + "\n"
            + #"{"op":"add","receipt":{"type":"read","receipt_id":"RID-TORN","notif"#
        try text.write(toFile: path, atomically: false, encoding: .utf8)

        let (states, listed) = try world.states()
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("outbox: 2 damaged line(s) skipped"), "\(listed.stderr)")
        #expect(states == ["n-1": "acknowledged", "n-2": "acknowledged", "n-3": "unread"])
        #expect(try receiptIDs(world) == ["n-1": ["RID-ONE"], "n-2": ["RID-TWO"]])
        let damaged = try String(contentsOfFile: path + ".damaged", encoding: .utf8)
        #expect(damaged.contains("garbage") && damaged.contains("RID-TORN"))
        // Reported once: the damaged lines were compacted away.
        let again = try world.inbox(["count"])
        #expect(!again.stderr.contains("damaged"), "\(again.stderr)")
    }

    @Test func highRoundTripTimeStillCompletesAndDrains() throws {
        let world = try OutboxWorld()
        world.broker.control("rtt 500")
        let started = Date()
        let read = try world.inbox(["read", "n-1", "n-2", "--timeout", "20"], timeout: 90)
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stderr.contains("marked 2 of 2 read"), "\(read.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
        world.broker.control("rtt 0")
        let outbox = try world.inbox(["outbox"])
        #expect(outbox.stderr.contains("0 receipt(s) pending"), "\(outbox.stderr)")
        #expect(try Set(receiptIDs(world).keys) == ["n-1", "n-2"])
    }
}
