import Testing
@testable import InboxCore

/// Strings are scanned eight bytes at a time up to a quote or a backslash: every special
/// byte at every position against the eight-byte steps is found, and non-ASCII bytes
/// anywhere mark the string as such.
@Suite struct StringScanTests {
    /// Scans `"<text>"` followed by `tail` and returns the span, or nil when it is an error.
    static func scan(_ text: [UInt8], tail: [UInt8] = Array(#","x":1}"#.utf8)) -> (JSONStringSpan, Int)? {
        let bytes = [0x22] + text + [0x22] + tail
        return bytes.withUnsafeBufferPointer { b in
            var s = JSONScanner(b)
            guard let span = try? s.scanString() else { return nil }
            return (span, s.pos)
        }
    }

    @Test func everySpecialByteIsFoundAtEveryPosition() {
        for length in 0..<20 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            guard let (span, end) = Self.scan(plain) else { Issue.record("plain \(length)"); continue }
            #expect(span.count == length && end == length + 2 && !span.hasEscapes && !span.hasNonASCII, "plain \(length)")
            for k in 0..<length {
                // An escaped quote at k: the string goes on past it.
                var escaped = plain
                escaped.replaceSubrange(k..<k + 1, with: Array(#"\""#.utf8))
                guard let (e, eEnd) = Self.scan(escaped) else { Issue.record("escape at \(k) of \(length)"); continue }
                #expect(e.hasEscapes && e.count == length + 1 && eEnd == length + 3, "escape at \(k) of \(length)")
                // A non-ASCII byte at k.
                var high = plain
                high[k] = 0xC3
                #expect(Self.scan(high)?.0.hasNonASCII == true, "non-ASCII at \(k) of \(length)")
                // The string's end at k: only what is before it is the string.
                let cut = Array(plain[0..<k])
                #expect(Self.scan(cut, tail: Array(#"aaaaaaaaaa""#.utf8))?.0.count == k, "end at \(k)")
                // A bad escape at k is an error.
                var bad = plain
                bad.replaceSubrange(k..<k + 1, with: Array(#"\q"#.utf8))
                #expect(Self.scan(bad) == nil, "bad escape at \(k) of \(length)")
            }
        }
        // No closing quote at all: an error, whatever the length.
        for length in 0..<20 {
            let open = [0x22] + [UInt8](repeating: UInt8(ascii: "b"), count: length)
            let failed = open.withUnsafeBufferPointer { b in
                var s = JSONScanner(b)
                return (try? s.scanString()) == nil
            }
            #expect(failed, "unterminated, \(length) bytes")
        }
    }

    @Test func decodedTextIsTheSameAtEveryAlignment() {
        for pad in 0..<9 {
            let prefix = String(repeating: "p", count: pad)
            let n = NotificationDecoder.decode(Array("{\"title\":\"\(prefix)a\\\"b\\\\c é \\u00e9 d\",\"actor\":\"\(prefix)x\"}".utf8),
                                               source: SourcePosition(topic: "t", partition: 0, offset: 0), timestampMs: 0, topicKind: .owner)
            #expect(n.title == prefix + "a\"b\\c é é d", "pad \(pad)")
            #expect(n.actor == prefix + "x")
        }
    }
}
