import Testing
@testable import InboxCore

@Suite struct DecoderTests {
    @Test func fullNotification() throws {
        let n = decode("""
            {"id": "01JDA", "kind": "group", "user": "alice", "title": "bob commented on graph 'pathways'",
             "body": "longer text", "actor": "bob", "url": "https://example.org/graphs/123",
             "created_at": "2026-11-25T14:00:00Z", "object": {"type": "graph", "id": "123"}}
            """)
        #expect(!n.isMalformed)
        #expect(n.id == "01JDA")
        #expect(n.kind == .group)
        #expect(n.user == "alice")
        #expect(n.title == "bob commented on graph 'pathways'")
        #expect(n.body == "longer text")
        #expect(n.actor == "bob")
        #expect(n.url == "https://example.org/graphs/123")
        #expect(n.createdAtMs == 1_795_615_200_000)
        #expect(n.objectType == "graph")
        #expect(n.objectID == "123")
        #expect(n.extra.isEmpty)
        #expect(n.source == testSource)
        #expect(n.raw == nil)
    }

    @Test func defaultsFromTheMessage() {
        let n = decode(#"{"title": "hi"}"#, topicKind: .watching)
        #expect(n.id == "notify.alice.owner/2/41")
        #expect(n.kind == .watching)
        #expect(n.createdAtMs == kafkaTimestamp)
        #expect(n.user == nil && n.body == nil && n.objectType == nil)
        #expect(decode(#"{"title": "hi"}"#, topicKind: nil).kind.rawValue == "unknown")
    }

    @Test func titleFromBodyFirstLine() {
        let n = decode(#"{"body": "\n  first line  \r\nsecond"}"#)
        #expect(!n.isMalformed)
        #expect(n.title == "first line")
        #expect(n.body == "\n  first line  \r\nsecond")
        #expect(decode(#"{"title": "  ", "body": "b"}"#).title == "b")
    }

    @Test func numericIDAndKindCase() {
        let n = decode(#"{"id": 12345678901234567890, "kind": "Owner", "title": "t"}"#)
        #expect(n.id == "12345678901234567890")
        #expect(n.kind == .owner)
        #expect(decode(#"{"id": -1.5e3, "kind": "Releases", "title": "t"}"#).id == "-1.5e3")
        #expect(decode(#"{"kind": "Releases", "title": "t"}"#).kind.rawValue == "releases")
    }

    @Test(arguments: [
        ("2026-11-25T14:00:00Z", Int64(1_795_615_200_000)),
        ("2026-11-25T14:00:00.123Z", 1_795_615_200_123),
        ("2026-11-25T14:00:00.5+01:00", 1_795_611_600_500),
        ("2026-11-25T14:00:00-0230", 1_795_624_200_000),
        ("2026-11-25 14:00:00.123456z", 1_795_615_200_123),
    ])
    func createdAtISO(text: String, ms: Int64) {
        #expect(decode(#"{"title":"t","created_at":"\#(text)"}"#).createdAtMs == ms)
    }

    @Test func createdAtEpochNumbers() {
        #expect(decode(#"{"title":"t","created_at":1795615200}"#).createdAtMs == 1_795_615_200_000)
        #expect(decode(#"{"title":"t","created_at":1795615200123}"#).createdAtMs == 1_795_615_200_123)
        #expect(decode(#"{"title":"t","created_at":1795615200.25}"#).createdAtMs == 1_795_615_200_250)
    }

    @Test func epochAsString() {
        #expect(decode(#"{"title":"t","created_at":"1795615200"}"#).createdAtMs == 1_795_615_200_000)
    }

    @Test func blankIDsUseTheFallback() {
        #expect(decode(#"{"id":"","title":"t"}"#).id == testSource.fallbackID)
        #expect(decode(#"{"id":"  ","title":"t"}"#).id == testSource.fallbackID)
        #expect(decode(#"{"id":null,"title":"t"}"#).id == testSource.fallbackID)
    }

    @Test func unparseableCreatedAtFallsBackAndIsKept() {
        let n = decode(#"{"title":"t","created_at":"yesterday"}"#)
        #expect(n.createdAtMs == kafkaTimestamp)
        #expect(n.extra == [ExtraField(key: "created_at", value: "yesterday")])
    }

    @Test func unknownFieldsKeptInOrder() {
        let n = decode(#"{"zeta": "z", "title": "t", "n": 1.5e2, "obj": { "a" : [1, true, null, "x\"y"] }, "b": false}"#)
        #expect(n.extra.map(\.key) == ["zeta", "n", "obj", "b"])
        #expect(n.extra[0] == ExtraField(key: "zeta", value: "z"))
        #expect(n.extra[1] == ExtraField(key: "n", value: "1.5e2", isJSON: true))
        #expect(n.extra[2] == ExtraField(key: "obj", value: #"{"a":[1,true,null,"x\"y"]}"#, isJSON: true))
        #expect(n.extra[3] == ExtraField(key: "b", value: "false", isJSON: true))
    }

    @Test func objectWithExtraMembers() {
        let n = decode(#"{"title":"t","object":{"type":"graph","id":7,"rev":"r2"}}"#)
        #expect(n.objectType == "graph")
        #expect(n.objectID == "7")
        #expect(n.extra == [ExtraField(key: "object.rev", value: "r2")])
        let s = decode(#"{"title":"t","object":"graph:7"}"#)
        #expect(s.objectType == nil)
        #expect(s.extra == [ExtraField(key: "object", value: "graph:7")])
    }

    @Test func stringEscapes() {
        let n = decode(#"{"title": "a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u4e2d\ud83d\ude00"}"#)
        #expect(n.title == "a\"b\\c/d\u{8}\u{C}\n\r\tAé中😀")
    }

    @Test func loneSurrogatesBecomeReplacement() {
        #expect(decode(#"{"title": "x\ud800y"}"#).title == "x\u{FFFD}y")
        #expect(decode(#"{"title": "x\udc00y"}"#).title == "x\u{FFFD}y")
        #expect(decode(#"{"title": "\ud800\u0041"}"#).title == "\u{FFFD}A")
        #expect(decode(#"{"title": "\ud800"}"#).title == "\u{FFFD}")
    }

    @Test func invalidUTF8InStringsIsReplaced() {
        var bytes = Array(#"{"title": "ok "#.utf8)
        bytes += [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF0, 0x9F]
        bytes += Array(#"", "body": "b"}"#.utf8)
        let n = decode(bytes: bytes)
        #expect(!n.isMalformed)
        #expect(n.title.hasPrefix("ok \u{FFFD}"))
        #expect(n.title.contains("("))
        #expect(!n.title.unicodeScalars.contains { (0xD800...0xDFFF).contains($0.value) })
        #expect(n.body == "b")
    }

    @Test func escapedKeysAreRecognised() {
        let n = decode(#"{"ti\u0074le": "t", "\u0069d": "x"}"#)
        #expect(n.title == "t")
        #expect(n.id == "x")
    }

    @Test func lastDuplicateKeyWins() {
        #expect(decode(#"{"title": "a", "title": "b"}"#).title == "b")
    }

    @Test func whitespaceBOMAndTrailingNewlineAreFine() {
        let n = decode(bytes: [0xEF, 0xBB, 0xBF] + Array(" \t{\"title\":\"t\"}\r\n".utf8))
        #expect(!n.isMalformed)
        #expect(n.title == "t")
    }

    @Test func depthJustBelowTheLimitIsAccepted() {
        let nested = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        let n = decode(#"{"title":"t","deep":\#(nested)}"#)
        #expect(!n.isMalformed)
        #expect(n.extra.first?.value == nested)
        let tooDeep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(decode(#"{"title":"t","deep":\#(tooDeep)}"#).malformedReason?.contains("too deep") == true)
    }
}

/// Values that are valid JSON but must not reach the inbox as they are (code review findings).
@Suite struct HostileFieldTests {
    @Test(arguments: ["-9223372036854775808", "9223372036854775807", "\"99999999999999999\"", "-99999999999999"])
    func absurdCreationTimesFallBackToTheKafkaTimestamp(value: String) {
        let n = decode(#"{"title":"boom","created_at":\#(value)}"#)
        #expect(!n.isMalformed)
        #expect(n.createdAtMs == kafkaTimestamp)
    }

    @Test(arguments: ["\\u001b]0;owned\\u0007", "own er", "", String(repeating: "k", count: 65), "ünïcode"])
    func aKindThatIsNotAPlainNameIsIgnored(kind: String) {
        let n = decode(#"{"title":"x","kind":"\#(kind)"}"#, topicKind: .watching)
        #expect(n.kind == .watching)
    }

    @Test func plainKindNamesAreKept() {
        #expect(decode(#"{"title":"x","kind":"billing-2.v1"}"#).kind == Kind(rawValue: "billing-2.v1"))
    }
}
