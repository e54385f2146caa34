import Testing
@testable import InboxCore

/// The packed notification store and id index behind `Inbox`: what goes in comes out
/// unchanged, whatever the text, and ids are found exactly.
@Suite struct PackedStoreTests {
    private func source(_ i: Int) -> SourcePosition {
        SourcePosition(topic: "alice.owner", partition: Int32(i % 7), offset: Int64(i))
    }

    @Test func everyFieldRoundTripsIncludingNilEmptyAndHostileText() {
        let hostile = "\u{1B}]52;c;ZWNobw==\u{07}\u{0}tab\there é 漢字 👩‍👩‍👧 \u{FFFD}"
        let notes: [Notification] = [
            Notification(id: "a", kind: .owner, title: "plain", createdAtMs: 1, source: source(0)),
            Notification(id: "", kind: Kind(rawValue: "custom.kind"), user: "", title: "", body: "", actor: "",
                         url: "", createdAtMs: -5, objectType: "", objectID: "", extra: [],
                         source: source(1)),
            Notification(id: hostile, kind: .group, user: hostile, title: hostile, body: String(repeating: hostile, count: 50),
                         actor: hostile, url: hostile, createdAtMs: Int64.max / 2, objectType: hostile, objectID: hostile,
                         extra: [ExtraField(key: hostile, value: "{\"a\":[1,2]}", isJSON: true),
                                 ExtraField(key: "", value: "", isJSON: false)],
                         source: source(2), malformedReason: "not JSON: " + hostile, raw: "\\x00" + hostile),
        ]
        var inbox = Inbox()
        for n in notes {
            let added = inbox.insert(n)
            #expect(added)
        }
        for (i, n) in notes.enumerated() {
            #expect(inbox.notification(at: i) == n)
            #expect(inbox.notification(id: n.id) == n)
            #expect(inbox.kind(at: i) == n.kind)
        }
        // nil and "" stay different.
        #expect(inbox.notification(at: 0).body == nil)
        #expect(inbox.notification(at: 1).body == "")
        #expect(inbox.malformedCount == 1)
    }

    @Test func entriesLargerThanAChunkAndManySmallOnesSurviveTogether() {
        var inbox = Inbox()
        let big = String(repeating: "x", count: NotificationStore.chunkBytes + 17)
        var expected: [Notification] = []
        for i in 0..<30_000 {
            let body = i % 10_000 == 5 ? big : "body \(i)"
            let n = Notification(id: "id-\(i)", kind: .watching, title: "title \(i)", body: body,
                                 createdAtMs: Int64(i), source: source(i))
            expected.append(n)
            let added = inbox.insert(n)
            #expect(added)
        }
        #expect(inbox.count == expected.count)
        for i in stride(from: 0, to: expected.count, by: 1) where i % 997 == 0 || i % 10_000 == 5 || i % 10_000 == 6 {
            #expect(inbox.notification(at: i) == expected[i])
        }
        #expect(inbox.notification(id: "id-10005")?.body?.utf8.count == big.utf8.count)
        #expect(inbox.withSearchText(at: 20_006) { t, _, b in
            String(decoding: t, as: UTF8.self) + "|" + String(decoding: b!, as: UTF8.self)
        } == "title 20006|body 20006")
    }

    @Test func idsAreFoundExactlyThroughGrowthAndDuplicatesAreRefused() {
        var inbox = Inbox()
        // Ids that share long prefixes and differ in one byte, an empty id, and non-ASCII.
        let ids = (0..<50_000).map { "01JBENCH" + String(repeating: "0", count: 12) + String($0) } + ["", "é", "Å"]
        for (i, id) in ids.enumerated() {
            let added = inbox.insert(Notification(id: id, kind: .owner, title: "t", createdAtMs: 0, source: source(i)))
            #expect(added)
        }
        for (i, id) in ids.enumerated() where i % 101 == 0 || i >= ids.count - 3 {
            #expect(inbox.index(ofID: id) == i)
        }
        #expect(inbox.index(ofID: "01JBENCH") == nil)
        #expect(inbox.index(ofID: "01JBENCH00000000000050000") == nil)
        // Ids are Strings, as in the rest of the app: "e" + U+0301 is "é", U+212B is "Å".
        #expect(inbox.index(ofID: "e\u{301}") == ids.count - 2)
        #expect(inbox.index(ofID: "\u{212B}") == ids.count - 1)
        #expect(inbox.index(ofID: "e") == nil)
        let again = inbox.insert(Notification(id: ids[777], kind: .group, title: "again", createdAtMs: 0, source: source(1)))
        #expect(!again)
        let equivalent = inbox.insert(Notification(id: "e\u{301}", kind: .group, title: "same id", createdAtMs: 0, source: source(2)))
        #expect(!equivalent)
        #expect(inbox.duplicateCount == 2)
        #expect(inbox.count == ids.count)
        let previous = inbox.setState(.read, for: ids[777])
        #expect(previous == .unread)
        #expect(inbox.state(at: 777) == .read)
    }

    @Test func aReceiptWaitingForItsNotificationFindsItUnderAnEquivalentSpelling() {
        var inbox = Inbox()
        inbox.setState(.acknowledged, for: "caf\u{E9}")
        inbox.setState(.read, for: "x;y")
        #expect(inbox.orphanStates == ["café": .acknowledged, "x;y": .read])
        inbox.insert(Notification(id: "cafe\u{301}", kind: .owner, title: "t", createdAtMs: 0, source: source(0)))
        // U+037E (Greek question mark) is canonically ";": the same id for a Swift String.
        inbox.insert(Notification(id: "x\u{37E}y", kind: .owner, title: "t", createdAtMs: 0, source: source(1)))
        #expect(inbox.state(at: 0) == .acknowledged)
        #expect(inbox.state(at: 1) == .read)
        #expect(inbox.orphanStates.isEmpty)
        #expect(inbox.id(at: 0) == "cafe\u{301}")
    }
}
