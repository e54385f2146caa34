import Foundation
import Testing
@testable import InboxCore

@Suite struct ReceiptCodecTests {
    var full: Receipt { Self.fullReceipt }
    static let fullReceipt = Receipt(type: .acknowledged, receiptID: "r-1", notificationID: "01J\"x\"", user: "alice",
                       kind: "owner", at: "2026-11-25T14:03:11.120Z", client: "kafka-inbox/0.1 host-a\n",
                       source: SourcePosition(topic: "notify.alice.owner", partition: 3, offset: 41))

    @Test func encodesTheContractKeysInOrder() {
        let text = String(decoding: ReceiptCodec.encode(full), as: UTF8.self)
        #expect(text == #"{"type":"acknowledged","receipt_id":"r-1","notification_id":"01J\"x\"","user":"alice","kind":"owner","at":"2026-11-25T14:03:11.120Z","client":"kafka-inbox/0.1 host-a\n","source":{"topic":"notify.alice.owner","partition":3,"offset":41}}"#)
        #expect(ReceiptCodec.key(full, layout: TopicLayout()) == Array("01J\"x\"".utf8))
        var shared = TopicLayout()
        shared.receiptsTemplate = "inbox.receipts"
        #expect(ReceiptCodec.key(full, layout: shared) == Array("alice/01J\"x\"".utf8), "a shared receipts topic keys by user and id")
    }

    @Test func omitsNil() throws {
        let r = Receipt(type: .read, receiptID: "r", notificationID: "n", user: "u", kind: nil, at: "a",
                        client: nil, source: nil)
        let obj = try parseJSONObject(String(decoding: ReceiptCodec.encode(r), as: UTF8.self))
        #expect(Set(obj.keys) == ["type", "receipt_id", "notification_id", "user", "at"])
    }

    /// Every kind of event, with the fields its type needs.
    static let events: [Receipt] = ReceiptType.allCases.map { type in
        var r = ReceiptCodecTests.fullReceipt
        r.type = type
        switch type {
        case .snoozed: r.untilMs = 1_796_000_000_123
        case .action: r.action = "approve"
        case .mute:
            r.mute = Mute(scope: .thread(type: "graph", id: "12:3"), untilMs: 1_796_000_000_000)
            r.notificationID = ""
            r.rule = "rules[2]"
        case .unmute:
            r.mute = Mute(id: "m0000abcd", scope: nil)
            r.notificationID = ""
        default: break
        }
        return r
    }

    @Test(arguments: events)
    func roundTrip(event: Receipt) {
        var r = event
        #expect(ReceiptCodec.decode(ReceiptCodec.encode(r)) == r)
        r.source = nil
        r.kind = nil
        #expect(ReceiptCodec.decode(ReceiptCodec.encode(r)) == r)
    }

    @Test func agreesWithFoundationCodable() throws {
        let data = try JSONEncoder().encode(full)
        #expect(ReceiptCodec.decode(Array(data)) == full)
    }

    @Test func tolerantDecoding() throws {
        let r = try #require(ReceiptCodec.decode(Array(#"""
            {"extra": {"deep": [1, 2]}, "type": "READ", "notification_id": 42, "at": 1795615200,
             "source": {"topic": "t", "partition": "1", "offset": 9}}
            """#.utf8)))
        #expect(r.type == .read)
        #expect(r.notificationID == "42")
        #expect(r.at == "2026-11-25T14:00:00.000Z")
        #expect(r.receiptID == "" && r.user == "")
        #expect(r.source == SourcePosition(topic: "t", partition: 1, offset: 9))
        let partial = ReceiptCodec.decode(Array(#"{"type":"read","notification_id":"n","source":{"topic":"t"}}"#.utf8))
        #expect(partial?.source == nil)
        #expect(partial?.notificationID == "n")
    }

    @Test(arguments: [#"{"type":"deleted","notification_id":"n"}"#, #"{"type":"read"}"#,
                      #"{"type":"read","notification_id":""}"#, #"{"notification_id":"n"}"#,
                      #"["read","n"]"#, "", "not json", #"{"type":"read","notification_id":"n"} x"#,
                      #"{"type":"read","notification_id":"n""#])
    func rejects(_ text: String) {
        #expect(ReceiptCodec.decode(Array(text.utf8)) == nil)
    }

    /// Fuzz finding (Fuzz/Corpus/ReceiptCodec/crash-until-beyond-year-9999*): an `until` past
    /// the year 9999 decoded, but `encode` writes it as an ISO 8601 year `parseISO8601` cannot
    /// read, so the stored or re-sent receipt lost its snooze (or made a timed mute permanent).
    @Test func anUntilBeyondTheYear9999IsUnreadable() throws {
        #expect(ReceiptCodec.decode(Array(#"{"type":"snoozed","notification_id":"n","until":179600764079200123}"#.utf8)) == nil)
        #expect(ReceiptCodec.decode(Array(#"{"type":"snoozed","notification_id":"n","until":253402300800000}"#.utf8)) == nil)
        let last = try #require(ReceiptCodec.decode(Array(#"{"type":"snoozed","notification_id":"n","until":253402300799999}"#.utf8)))
        #expect(ReceiptCodec.decode(ReceiptCodec.encode(last)) == last)
        let mute = try #require(ReceiptCodec.decode(Array(
            #"{"type":"mute","mute_id":"m1","scope":"actor","actor":"bob","until":253402300800000}"#.utf8)))
        #expect(mute.mute?.untilMs == nil)
        #expect(ReceiptCodec.decode(ReceiptCodec.encode(mute)) == mute)
    }

    @Test func latestReceiptWinsThroughTheCodec() {
        var inbox = Inbox()
        let n = decode(#"{"id":"a","title":"t"}"#)
        inbox.insert(n)
        for type in [ReceiptType.read, .acknowledged, .unread, .read] {
            let bytes = ReceiptCodec.encode(Receipt(type: type, for: n, user: "alice", client: nil, atMs: 0))
            inbox.apply(ReceiptCodec.decode(bytes)!)
        }
        #expect(inbox.state(of: "a") == .read)
        #expect(inbox.counts.count(.read) == 1)
        #expect(inbox.counts.count(.unread) == 0)
    }

    @Test func receiptForNotification() {
        let n = decode(#"{"id":"a","kind":"group","title":"t"}"#)
        let r = Receipt(type: .read, for: n, user: "alice", client: "c", atMs: 1_795_615_200_120)
        #expect(r.notificationID == "a")
        #expect(r.kind == "group")
        #expect(r.at == "2026-11-25T14:00:00.120Z")
        #expect(r.source == testSource)
        #expect(r.receiptID.count == 26)
    }

    @Test func decodedDuplicatesAppearOnce() {
        var inbox = Inbox()
        let json = #"{"id":"same","title":"t"}"#
        let first = NotificationDecoder.decode(Array(json.utf8), source: testSource, timestampMs: 1, topicKind: .owner)
        let retry = NotificationDecoder.decode(Array(json.utf8), source: SourcePosition(topic: testSource.topic, partition: 2, offset: 42),
                                               timestampMs: 2, topicKind: .owner)
        inbox.insert(first)
        inbox.insert(retry)
        #expect(inbox.count == 1)
        #expect(inbox.notification(id: "same")?.source.offset == 41)
    }
}
