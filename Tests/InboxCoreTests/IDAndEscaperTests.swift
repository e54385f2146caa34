import Foundation
import Testing
@testable import InboxCore

@Suite struct IDGeneratorTests {
    @Test func shapeAndTime() throws {
        let id = IDSequence().next(nowMs: 1_795_615_200_000)
        #expect(id.count == 26)
        #expect(id.utf8.allSatisfy { Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8).contains($0) })
        #expect(IDGenerator.timestampMs(of: id) == 1_795_615_200_000)
        #expect(IDGenerator.timestampMs(of: "not an id") == nil)
        #expect(IDGenerator.encode(ms: 0, high: 0, low: 1) == "0000000000000000000000000" + "1")
        #expect(IDGenerator.encode(ms: (1 << 48) - 1, high: .max, low: .max) == "7" + String(repeating: "Z", count: 25))
        #expect(IDGenerator.encode(ms: 1, high: 0, low: 0) == "000000000" + "1" + String(repeating: "0", count: 16))
    }

    @Test func uniqueAndOrderedAcrossThreads() async {
        let batches = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<2000).map { _ in IDGenerator.next() } }
            }
            var all: [[String]] = []
            for await batch in group { all.append(batch) }
            return all
        }
        let all = batches.flatMap { $0 }
        #expect(Set(all).count == 16_000)
        for batch in batches { #expect(batch == batch.sorted()) }
    }

    @Test func monotonicWhenTheClockStandsStillOrGoesBack() {
        let sequence = IDSequence()
        let a = sequence.next(nowMs: 2_000_000_000_000)
        let b = sequence.next(nowMs: 2_000_000_000_000)
        let c = sequence.next(nowMs: 1_000_000_000_000)
        #expect(a < b && b < c)
        #expect(IDGenerator.timestampMs(of: c) == 2_000_000_000_000)
        let fresh = IDGenerator.next()
        #expect(abs(IDGenerator.timestampMs(of: fresh)! - Timestamps.nowMs()) < 5000)
    }
}

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
