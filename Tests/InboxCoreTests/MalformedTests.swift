import Testing
@testable import InboxCore

/// Every class of bad input becomes one displayable, malformed entry.
@Suite struct MalformedTests {
    func expectMalformed(_ n: Notification, summary: String, reasonContains: String? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(n.isMalformed, sourceLocation: sourceLocation)
        #expect(n.title == "malformed: " + summary, sourceLocation: sourceLocation)
        if let reasonContains {
            #expect(n.malformedReason?.contains(reasonContains) == true,
                    "reason: \(n.malformedReason ?? "nil")", sourceLocation: sourceLocation)
        }
        #expect(n.id == testSource.fallbackID, sourceLocation: sourceLocation)
        #expect(n.createdAtMs == kafkaTimestamp, sourceLocation: sourceLocation)
        #expect(n.raw != nil, sourceLocation: sourceLocation)
        for text in displayedStrings(n) {
            #expect(isTerminalSafe(text), "unsafe: \(text.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    @Test func emptyValue() {
        let n = decode(bytes: [])
        expectMalformed(n, summary: "empty value")
        #expect(n.raw == "")
        expectMalformed(decode(" \n\t"), summary: "empty value", reasonContains: "whitespace")
    }

    @Test(arguments: ["hello", "{", "{\"title\": \"t\"", "{\"title\" \"t\"}", "{title: \"t\"}",
                      "{\"title\": 'x'}", "{\"title\": \"t\",}", "{\"title\": tru}", "\u{1B}[31m",
                      "{\"title\": 01}", "{\"title\": \"\\x41\"}", "{\"a\": -}", "[1,]", "{\"title\": \"\\u12\"}"])
    func notJSON(_ text: String) {
        expectMalformed(decode(text), summary: "not JSON", reasonContains: "not JSON: unexpected")
    }

    @Test(arguments: [("[1, 2]", "an array"), ("\"title\"", "a string"), ("42", "a number"),
                      ("null", "null"), ("true", "a boolean")])
    func notAnObject(text: String, noun: String) {
        expectMalformed(decode(text), summary: "not a JSON object", reasonContains: noun)
    }

    @Test func trailingGarbage() {
        let n = decode(#"{"title": "t"} {"title": "u"}"#)
        expectMalformed(n, summary: "trailing data after JSON", reasonContains: "at byte 15")
        expectMalformed(decode(bytes: Array(#"{"title":"t"}"#.utf8) + [0]), summary: "trailing data after JSON")
    }

    @Test func noTitleOrBody() {
        let n = decode(#"{"id": "x", "user": "alice", "title": null, "body": "   "}"#)
        expectMalformed(n, summary: "no title or body")
        #expect(n.kind == .owner)
        expectMalformed(decode("{}"), summary: "no title or body")
    }

    @Test(arguments: [(#"{"title": 42}"#, "a number"), (#"{"title": {"en": "x"}}"#, "an object"),
                      (#"{"title": ["x"]}"#, "an array"), (#"{"title": false, "body": "b"}"#, "a boolean")])
    func wronglyTypedTitle(text: String, noun: String) {
        expectMalformed(decode(text), summary: "title is not a string", reasonContains: noun)
    }

    @Test func tooLarge() {
        let body = String(repeating: "a", count: NotificationDecoder.maxValueBytes)
        let text = #"{"title":"t","body":"\#(body)"}"#
        let n = decode(text)
        let size = text.utf8.count
        expectMalformed(n, summary: "too large (\(size) bytes)")
        #expect(n.raw!.hasSuffix("…(+\(size - NotificationDecoder.rawLimit) bytes)"))
        #expect(n.raw!.utf8.count < 600)
    }

    @Test func megabyteValueJustUnderTheLimitDecodes() {
        let body = String(repeating: "ü", count: (NotificationDecoder.maxValueBytes - 100) / 2)
        let n = decode(#"{"title":"t","body":"\#(body)"}"#)
        #expect(!n.isMalformed)
        #expect(n.body?.count == body.count)
    }

    @Test func veryDeepNesting() {
        let deep = String(repeating: "[", count: 100_000)
        expectMalformed(decode(deep), summary: "nested too deep")
        expectMalformed(decode(#"{"title":"t","x":"# + deep), summary: "nested too deep")
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        expectMalformed(decode(objects), summary: "nested too deep")
        let closed = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        expectMalformed(decode(#"{"title":"t","x":\#(closed)}"#), summary: "nested too deep")
    }

    @Test func invalidUTF8OutsideStrings() {
        let n = decode(bytes: [0xFF, 0xFE, 0x00, 0x41, 0xC3])
        expectMalformed(n, summary: "not JSON", reasonContains: "0xff")
        #expect(n.raw == #"\xff\xfe\x00A\xc3"#)
    }

    @Test func malformedRawIsEscaped() {
        let n = decode("\u{1B}]8;;http://evil\u{7}x\u{1B}\\ 中\\")
        #expect(n.raw == #"\x1b]8;;http://evil\x07x\x1b\\ 中\\"#)
    }

    @Test func kindOfMalformedEntry() {
        #expect(decode("nope", topicKind: .group).kind == .group)
        #expect(decode("nope", topicKind: nil).kind.rawValue == "unknown")
    }

    /// Random bytes and random mutations of a valid notification: every result is a
    /// displayable entry with a non-empty, terminal-safe title.
    @Test func generatedInputsNeverCrashAndStayDisplayable() {
        var rng = SplitMix64(state: 0xC0FFEE)
        let valid = Array(#"{"id":"01J","kind":"owner","title":"héllo \u001b[2J","body":"b","created_at":"2026-11-25T14:00:00Z","object":{"type":"g","id":"1"},"x":[1,{"y":null}]}"#.utf8)
        let alphabet = Array(#"{}[]:,"\\u0123456789abcdefnrtl -.eE+"#.utf8) + [0x00, 0x1B, 0x7F, 0xC2, 0x9B, 0xE2, 0x80, 0xAE, 0xFF]
        var malformed = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[i] = alphabet.randomElement(using: &rng)!
                    case 1: bytes.remove(at: i)
                    default: bytes.insert(alphabet.randomElement(using: &rng)!, at: i)
                    }
                }
            }
            let n = decode(bytes: bytes)
            if n.isMalformed { malformed += 1 }
            #expect(!n.title.isEmpty)
            #expect(n.isMalformed == (n.raw != nil))
            for text in displayedStrings(n) where !isTerminalSafe(text) {
                Issue.record("unsafe after sanitize: \(text.debugDescription) from \(bytes)")
            }
        }
        #expect(malformed > 1000)
        #expect(malformed < 3000)
    }
}
