import Testing
@testable import InboxCore

/// Decoding straight into the packed form gives exactly what decoding into a `Notification`
/// gives, for well-formed, odd, hostile and randomly damaged values.
@Suite struct PackedDecodeTests {
    static let samples: [String] = [
        #"{"id":"01J1","kind":"owner","user":"alice","title":"bob starred graph 'x'","actor":"bob","url":"https://e.org/1","created_at":"2026-11-01T10:00:00.123Z","object":{"type":"graph","id":"7"}}"#,
        #"{"id":"  ","title":"blank id","created_at":1700000000}"#,
        #"{"title":"   ","body":"\n\n  first line  \nsecond"}"#,
        #"{"id":"caf\u00e9","title":"esc\"aped \\ \/ \t","actor":"Zoë","body":"漢字 👩‍👩‍👧"}"#,
        #"{"id":42,"title":true,"kind":"watching"}"#,
        #"{"id":42,"title":"number id","kind":"Group","user":null,"extra":[1,{"a":2}],"n":-1.5e3}"#,
        #"{"title":"object not object","object":"plain","created_at":"not a time"}"#,
        #"{"title":"\u001b]0;pwned\u0007","kind":"bad kind!","url":"javascript:alert(1)"}"#,
        #"{"title":"dup keys","title":"second wins?","id":"a","id":"b"}"#,
        "{\"title\":\"raw control \u{1B}[2J\",\"body\":\"tab\tnew\nline\"}",
        "{\"title\":\"invalid utf8 \u{FF}\"}",
        #"not json"#, #"[1,2]"#, "", "   ", #"{"no":"title"}"#, #"{"title":"x"} trailing"#,
        #"{"title":"deep","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
        #"{"title":"t","object":{"type":"graph","id":9,"extra":{"k":"v"}},"created_at":"1700000000123"}"#,
        #"{"\u0074itle":"escaped key","body":null}"#,
    ]

    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static func inputs() -> [[UInt8]] {
        var all = samples.map { Array($0.utf8) }
        all.append([0xEF, 0xBB, 0xBF] + Array(#"{"title":"after a BOM"}"#.utf8))
        var rng = Rng(state: 99)
        let alphabet: [UInt8] = Array(#"{}[]":,\ u0aZé"#.utf8) + [0x80, 0xC3, 0xFF, 0x00, 0x1B, 0x0A]
        for _ in 0..<4000 {
            var v = all[rng.next(samples.count)]
            for _ in 0..<(1 + rng.next(4)) {
                switch rng.next(3) {
                case 0 where !v.isEmpty: v[rng.next(v.count)] = alphabet[rng.next(alphabet.count)]
                case 1: v.insert(alphabet[rng.next(alphabet.count)], at: rng.next(v.count + 1))
                default: if !v.isEmpty { v.remove(at: rng.next(v.count)) }
                }
            }
            all.append(v)
        }
        return all
    }

    @Test func packedDecodingMatchesDecodingForEveryInput() {
        var checked = 0
        for (i, value) in Self.inputs().enumerated() {
            let source = SourcePosition(topic: "notify.alice.owner", partition: Int32(i % 3), offset: Int64(i))
            let expected = NotificationDecoder.decode(value, source: source, timestampMs: 1_700_000_000_000 + Int64(i),
                                                      topicKind: .owner)
            var batch = PackedNotifications()
            value.withUnsafeBytes {
                NotificationDecoder.decode($0, source: source, timestampMs: 1_700_000_000_000 + Int64(i), topicKind: .owner,
                                           into: &batch)
            }
            guard batch.count == 1 else {
                Issue.record("input \(i): \(batch.count) entries")
                continue
            }
            let got = batch.notification(at: 0)
            #expect(got == expected, "input \(i): \(String(decoding: value, as: UTF8.self))")
            let item = batch.items[0]
            let id = batch.withID(0) { String(decoding: $0, as: UTF8.self) }
            #expect(id == expected.id && item.kind == expected.kind && item.isMalformed == expected.isMalformed)
            #expect(item.hash == IDIndex.hash(expected.id, seed: IDIndex.processSeed))
            #expect(batch.signature(0) == SearchSignature.of(title: expected.title, actor: expected.actor, body: expected.body))
            checked += 1
        }
        #expect(checked > 4000)
    }

    @Test func anInboxFilledFromPackedBatchesEqualsOneFilledWithNotifications() {
        var a = Inbox()
        var b = Inbox()
        var batch = PackedNotifications()
        a.setState(.read, for: "01J1")
        b.setState(.read, for: "01J1")
        for (i, value) in Self.inputs().prefix(800).enumerated() {
            let source = SourcePosition(topic: "t\(i % 2)", partition: 0, offset: Int64(i))
            a.insert(NotificationDecoder.decode(value, source: source, timestampMs: Int64(i), topicKind: .group))
            value.withUnsafeBytes {
                NotificationDecoder.decode($0, source: source, timestampMs: Int64(i), topicKind: .group, into: &batch)
            }
            if batch.count == 100 {
                b.insert(contentsOf: batch)
                batch = PackedNotifications()
            }
        }
        b.insert(contentsOf: batch)
        #expect(a.count == b.count)
        #expect(a.duplicateCount == b.duplicateCount && a.malformedCount == b.malformedCount)
        #expect(a.counts == b.counts)
        #expect(a.newestFirst() == b.newestFirst())
        for i in 0..<a.count { #expect(a.notification(at: i) == b.notification(at: i)) }
        #expect(a.orphanStates == b.orphanStates)
    }
}
