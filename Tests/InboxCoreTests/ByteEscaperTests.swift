import Testing
@testable import InboxCore

@Suite struct ByteEscaperTests {
    @Test func escapesBytes() {
        #expect(ByteEscaper.escape(Array("plain ~".utf8)) == "plain ~")
        #expect(ByteEscaper.escape([0x5C, 0x00, 0x1B, 0x7F, 0x0A]) == #"\\\x00\x1b\x7f\x0a"#)
        #expect(ByteEscaper.escape(Array("中é😀".utf8)) == "中é😀")
        #expect(ByteEscaper.escape([0xC2, 0x9B, 0xC2, 0xA9]) == #"\xc2\x9b©"#)
        #expect(ByteEscaper.escape([0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF8]) == #"\xc0\xaf\xed\xa0\x80\xf8"#)
        #expect(ByteEscaper.escape([0xE4, 0xB8]) == #"\xe4\xb8"#)
    }

    @Test func truncates() {
        let bytes = [UInt8](repeating: 0x41, count: 1000)
        #expect(ByteEscaper.escape(bytes, limit: 10) == "AAAAAAAAAA…(+990 bytes)")
        #expect(ByteEscaper.escape(Array("ab中".utf8), limit: 3) == "ab…(+3 bytes)")
        #expect(ByteEscaper.escape(Array("ab中".utf8), limit: 5) == "ab中")
        #expect(ByteEscaper.escape(Array("abc".utf8), limit: 0) == "…(+3 bytes)")
        #expect(ByteEscaper.escape([UInt8](), limit: 10) == "")
    }

    @Test func outputIsAlwaysSafeAfterSanitize() {
        var rng = SplitMix64(state: 99)
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let escaped = ByteEscaper.escape(bytes, limit: 40)
            #expect(!escaped.utf8.contains { $0 < 0x20 || $0 == 0x7F })
            #expect(isTerminalSafe(TerminalText.sanitize(escaped)))
        }
    }
}
