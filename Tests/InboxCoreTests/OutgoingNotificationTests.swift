import Foundation
import Testing
@testable import InboxCore

@Suite struct OutgoingNotificationTests {
    @Test func jsonDecodesBackToTheSameNotification() throws {
        let out = OutgoingNotification(id: "01J", kind: .owner, user: "alice", title: "bob \"commented\"\n",
                                       body: "b", actor: "bob", url: "https://x/1", createdAtMs: 1_795_615_200_120,
                                       object: .init(type: "graph", id: "123"),
                                       extra: [ExtraField(key: "n", value: "[1,2]", isJSON: true),
                                               ExtraField(key: "title", value: "dup")])
        let bytes = out.json()
        let n = decode(bytes: bytes, topicKind: nil)
        #expect(!n.isMalformed)
        #expect(n.id == "01J" && n.kind == .owner && n.user == "alice" && n.title == "bob \"commented\"\n")
        #expect(n.body == "b" && n.actor == "bob" && n.url == "https://x/1")
        #expect(n.createdAtMs == 1_795_615_200_120)
        #expect(n.objectType == "graph" && n.objectID == "123")
        #expect(n.extra == [ExtraField(key: "n", value: "[1,2]", isJSON: true)])
        _ = try parseJSONObject(String(decoding: bytes, as: UTF8.self))
    }

    @Test func fromLineFillsDefaults() throws {
        let before = Timestamps.nowMs()
        let out = try OutgoingNotification.fromJSONLine(#"{"title": "hi", "custom": {"a": 1}, "tags": ["x"]}"#,
                                                        defaultUser: "alice", defaultKind: .watching)
        #expect(out.user == "alice")
        #expect(out.kind == .watching)
        #expect(out.id.count == 26)
        let blank = try OutgoingNotification.fromJSONLine(#"{"id": "", "body": "b"}"#, defaultUser: "a", defaultKind: .owner)
        #expect(blank.id.count == 26)
        #expect(blank.title == "b")
        #expect(out.createdAtMs >= before && out.createdAtMs <= Timestamps.nowMs())
        #expect(out.extra == [ExtraField(key: "custom", value: #"{"a":1}"#, isJSON: true),
                              ExtraField(key: "tags", value: #"["x"]"#, isJSON: true)])
        let text = String(decoding: out.json(), as: UTF8.self)
        #expect(text.hasSuffix(#","custom":{"a":1},"tags":["x"]}"#))
    }

    @Test func fromLineKeepsGivenFields() throws {
        let out = try OutgoingNotification.fromJSONLine(
            #"{"id": 7, "kind": "group", "user": "bob", "body": "\n first \nsecond", "created_at": "2026-11-25T14:00:00Z","# +
            #""object": {"type": "graph", "id": 9}}"#, defaultUser: "alice", defaultKind: nil)
        #expect(out.id == "7" && out.kind == .group && out.user == "bob")
        #expect(out.title == "first")
        #expect(out.createdAtMs == 1_795_615_200_000)
        #expect(out.object == .init(type: "graph", id: "9"))
        let odd = try OutgoingNotification.fromJSONLine(#"{"title":"t","object":{"type":"g","id":1,"rev":2}}"#,
                                                        defaultUser: "a", defaultKind: .owner)
        #expect(odd.object == nil)
        #expect(odd.extra == [ExtraField(key: "object", value: #"{"type":"g","id":1,"rev":2}"#, isJSON: true)])
    }

    @Test(arguments: [
        ("", OutgoingNotification.LineError.empty),
        ("not json", .notJSON("unexpected byte 0x6e at byte 0")),
        ("[1]", .notAnObject("an array")),
        (#"{"kind":"owner"}"#, .noTitleOrBody),
        (#"{"title": 5}"#, .wrongType(field: "title", expected: "a string", found: "a number")),
        (#"{"title": "t", "user": {}}"#, .wrongType(field: "user", expected: "a string", found: "an object")),
        (#"{"title": "t", "created_at": "soon"}"#, .badTimestamp("soon")),
        (#"{"title": "t"} x"#, .notJSON("unexpected byte 0x78 at byte 15")),
    ])
    func badLines(line: String, error: OutgoingNotification.LineError) {
        #expect(throws: error) {
            try OutgoingNotification.fromJSONLine(line, defaultUser: "alice", defaultKind: .owner)
        }
        #expect(!error.description.isEmpty)
    }

    @Test func noKindAnywhere() {
        #expect(throws: OutgoingNotification.LineError.noKind) {
            try OutgoingNotification.fromJSONLine(#"{"title":"t"}"#, defaultUser: "a", defaultKind: nil)
        }
    }
}
