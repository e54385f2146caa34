import Testing
@testable import InboxCore

/// The fast path of `send --file`: a line published as it is must read back as the same
/// notification the full path would publish; anything in doubt takes the full path.
@Suite struct VerbatimLineTests {
    func check(_ line: String) -> VerbatimLine? {
        var line = line
        return line.withUTF8 { VerbatimLine.check($0, defaultUser: "alice", nowMs: 1_795_615_200_000) }
    }

    func value(_ line: String) -> [UInt8]? {
        var line = line
        return line.withUTF8 { b in VerbatimLine.check(b, defaultUser: "alice", nowMs: 1_795_615_200_000).map { $0.value(of: b) } }
    }

    @Test(arguments: [
        #"{"id":"a1","kind":"owner","user":"bob","title":"hi","created_at":"2026-11-30T10:00:00Z"}"#,
        #"{ "id" : "a2", "kind":"group", "title":"ünïcode ✓ 😀", "body":null, "actor":"ann", "url":"https://x/1", "created_at":"2026-11-30T10:00:00.123Z", "object":{"type":"graph","id":"7"}, "tags":["x",{"y":1}] }"#,
        #"{"id":"a3","kind":"watching","title":"line\nbreak \"quoted\" \u00e9","created_at":"2026-11-30T10:00:00+02:00","object":{"odd":true}}"#,
    ])
    func aCompleteLineReadsBackAsTheFullPathsNotification(_ line: String) throws {
        var text = line
        let (id, kind, user) = try text.withUTF8 { b in
            let fast = try #require(VerbatimLine.check(b, defaultUser: "alice", nowMs: 1_795_615_200_000))
            return (fast.id(in: b), fast.kind(in: b), fast.user(in: b))
        }
        let full = try OutgoingNotification.fromJSONLine(line, defaultUser: "alice", defaultKind: nil)
        #expect(id == full.id && kind == full.kind && (user ?? "alice") == full.user)
        let source = SourcePosition(topic: "t", partition: 0, offset: 0)
        let a = NotificationDecoder.decode(try #require(value(line)), source: source, timestampMs: 0, topicKind: full.kind)
        let b = NotificationDecoder.decode(full.json(), source: source, timestampMs: 0, topicKind: full.kind)
        #expect(!a.isMalformed)
        #expect(a.id == b.id && a.kind == b.kind && a.title == b.title && a.body == b.body && a.actor == b.actor)
        #expect(a.url == b.url && a.createdAtMs == b.createdAtMs && a.objectType == b.objectType && a.objectID == b.objectID)
        #expect(a.extra == b.extra)
    }

    @Test func missingIdUserAndTimeAreFilledInFront() throws {
        let bytes = try #require(value(#"{"kind":"owner","title":"t"}"#))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"id":""#))
        #expect(text.hasSuffix(#","user":"alice","created_at":"2026-11-25T14:00:00.000Z","kind":"owner","title":"t"}"#))
        let n = NotificationDecoder.decode(bytes, source: SourcePosition(topic: "t", partition: 0, offset: 0), timestampMs: 0, topicKind: .owner)
        #expect(n.id.count == 26 && n.user == "alice" && n.createdAtMs == 1_795_615_200_000)
    }

    @Test(arguments: [
        #"{"id":"e","kind":"owner","title":"t","created_at":1764496800}"#,            // epoch: normalised by the full path
        #"{"id":"e","kind":"owner","body":"only a body"}"#,                            // the title comes from the body
        #"{"id":"e","kind":"owner","title":"   "}"#,                                   // blank title
        #"{"id":"e","kind":"owner","title":"\u3000"}"#,                                // blank in Unicode
        #"{"id":"e","kind":"owner","title":"a","title":"b"}"#,                         // a field twice
        #"{"id":"e","kind":"owner","title":"a","actor":42}"#,                          // a number as text
        #"{"id":"e","kind":"bad kind","title":"a"}"#,
        #"{"id":"e","title":"a"}"#,                                                    // kind from the default
        #"{"id":"  ","kind":"owner","title":"a"}"#,                                    // blank id: a new one
        #"{"\u0069d":"e","kind":"owner","title":"a"}"#,                                // an escaped key
        #"{"id":"e","kind":"owner","title":"a"} trailing"#,
        #"[{"id":"e","kind":"owner","title":"a"}]"#,
        #"{"id":"e","kind":"owner","title":"a","created_at":"yesterday"}"#,
        #"{"id":"e","kind":"owner","title":"a""#,
    ])
    func anythingInDoubtTakesTheFullPath(_ line: String) {
        #expect(check(line) == nil)
    }

    @Test func invalidUTF8TakesTheFullPath() {
        var bytes = Array(#"{"id":"e","kind":"owner","title":"a"#.utf8)
        bytes += [0xC3, 0x28] + Array(#""}"#.utf8)
        let got = bytes.withUnsafeBufferPointer { VerbatimLine.check($0, defaultUser: "alice", nowMs: 0) }
        #expect(got == nil)
    }
}
