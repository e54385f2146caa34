import Testing
@testable import InboxCore

/// States of ids not held yet: what the notifications take over when they arrive, however
/// many came first and in whatever order they are taken.
struct OrphanTableTests {
    private func hash(_ id: String) -> UInt64 { IDIndex.hash(id, seed: IDIndex.processSeed) }

    @Test func takenInAnyOrderEachStateOnceAndTheTableEmptiesCompletely() {
        var table = OrphanTable()
        for i in 0..<20_000 {
            let id = "01JORPHAN\(i)"
            table.set(hash: hash(id), id: id, Inbox.Orphan(state: i % 2 == 0 ? .read : .snoozed, untilMs: Int64(i)))
        }
        // Set again: replaced, not added.
        table.set(hash: hash("01JORPHAN7"), id: "01JORPHAN7", Inbox.Orphan(state: .acknowledged, untilMs: 0))
        #expect(table.count == 20_000)
        #expect(table.get(hash: hash("01JORPHAN7"), id: "01JORPHAN7")?.state == .acknowledged)
        // The odd ones first (rebuilds happen as the dead outnumber the live), then the even ones backwards.
        for i in stride(from: 1, to: 20_000, by: 2) where i != 7 {
            let id = "01JORPHAN\(i)"
            let got = table.take(hash: hash(id), id: id)
            #expect(got?.state == .snoozed && got?.untilMs == Int64(i))
        }
        #expect(table.take(hash: hash("01JORPHAN1"), id: "01JORPHAN1") == nil)  // taken once only
        #expect(table.count == 10_001)
        var seen = 0
        table.forEach { id, orphan in
            seen += 1
            #expect(id == "01JORPHAN7" ? orphan.state == .acknowledged : orphan.state == .read)
        }
        #expect(seen == 10_001)
        for i in stride(from: 19_998, through: 0, by: -2) {
            let id = "01JORPHAN\(i)"
            #expect(table.take(hash: hash(id), id: id)?.state == .read)
        }
        #expect(table.take(hash: hash("01JORPHAN7"), id: "01JORPHAN7")?.state == .acknowledged)
        #expect(table.isEmpty && table.capacity == 0)
    }

    @Test func canonicallyEquivalentIdsAreOneId() {
        var table = OrphanTable()
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        table.set(hash: hash(composed), id: composed, Inbox.Orphan(state: .read, untilMs: 0))
        #expect(hash(composed) == hash(decomposed))
        #expect(table.get(hash: hash(decomposed), id: decomposed)?.state == .read)
        #expect(table.take(hash: hash(decomposed), id: decomposed)?.state == .read)
        #expect(table.isEmpty)
    }
}
