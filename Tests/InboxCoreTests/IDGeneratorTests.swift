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
