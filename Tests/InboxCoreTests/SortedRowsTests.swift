import Testing
@testable import InboxCore

/// The incrementally sorted row lists (RowList, Inbox.rows(in:kind:)) against a brute-force
/// filter-and-sort of the same inbox, through inserts, receipts and state changes.
@Suite struct SortedRowsTests {
    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    @Test func rowListInsertRemoveSplitAndScan() {
        var list = RowList()
        var reference: [Int] = []
        var rng = Rng(state: 7)
        for i in 0..<5000 {
            let at = rng.next(reference.count + 1)
            list.insert(i, at: at)
            reference.insert(i, at: at)
        }
        #expect(Array(list) == reference)
        for _ in 0..<3000 {
            let at = rng.next(reference.count)
            #expect(list.remove(at: at) == reference.remove(at: at))
        }
        #expect(list.count == reference.count)
        #expect(Array(list) == reference)
        #expect((0..<list.count).map { list[$0] } == reference)
        var seen: [Int] = []
        let stop = list.scan(from: 100) { row, value in
            seen.append(value)
            return row < 150
        }
        #expect(stop == 150)
        #expect(seen == Array(reference[100...150]))
        #expect(RowList(reference) == list)
        #expect(RowList([3, 2, 1]).partitionPoint { $0 > 2 } == 1)
        list.removeAll { $0 % 2 == 0 }
        #expect(Array(list) == reference.filter { $0 % 2 != 0 })
    }

    func note(_ i: Int, kind: Kind, ms: Int64, topic: String = "t", offset: Int64 = 0) -> Notification {
        Notification(id: "n\(i)", kind: kind, title: "t\(i)", createdAtMs: ms,
                     source: SourcePosition(topic: topic, partition: Int32(i % 3), offset: offset))
    }

    func bruteForce(_ inbox: Inbox, _ view: InboxView, _ kind: Kind?) -> [Int] {
        let all = (0..<inbox.count).filter { i in
            let n = inbox.notification(at: i)
            return (kind == nil || n.kind == kind) && view.contains(inbox.state(of: n.id))
        }
        // Stable sort by the public order, earlier arrival first on ties.
        return all.enumerated().sorted { a, b in
            let x = inbox.notification(at: a.element), y = inbox.notification(at: b.element)
            if Inbox.isNewer(x, than: y) { return true }
            if Inbox.isNewer(y, than: x) { return false }
            return a.element < b.element
        }.map(\.element)
    }

    @Test func listsStaySortedThroughInsertsReceiptsAndStateChanges() {
        var rng = Rng(state: 42)
        var inbox = Inbox()
        let kinds: [Kind] = [.group, .owner, .watching, Kind(rawValue: "release")]
        let topics = ["b", "a", "c"]
        var inserted = 0
        for round in 0..<40 {
            // A batch of inserts (large and small ones, ties in time included).
            let batch = round % 7 == 0 ? 600 : rng.next(40)
            for _ in 0..<batch {
                let i = inserted
                inserted += 1
                inbox.insert(note(i, kind: kinds[rng.next(kinds.count)], ms: Int64(rng.next(500)),
                                  topic: topics[rng.next(3)], offset: Int64(rng.next(50))))
            }
            // Receipts, some before their notification arrives.
            for _ in 0..<rng.next(60) {
                let id = "n\(rng.next(inserted + 20))"
                let type: ReceiptType = [.read, .unread, .acknowledged][rng.next(3)]
                inbox.setState(type.state!, for: id)
            }
            // Look at a few lists (the others keep buffering).
            for _ in 0..<2 {
                let view = InboxView.allCases[rng.next(3)]
                let kind: Kind? = rng.next(3) == 0 ? nil : kinds[rng.next(kinds.count)]
                #expect(Array(inbox.rows(in: view, kind: kind)) == bruteForce(inbox, view, kind))
            }
        }
        for view in InboxView.allCases {
            for kind in [nil] + kinds {
                #expect(Array(inbox.rows(in: view, kind: kind)) == bruteForce(inbox, view, kind))
                #expect(inbox.indices(in: view, kinds: kind.map { [$0] }) == bruteForce(inbox, view, kind))
            }
        }
        #expect(inbox.indices(in: .all, kinds: [.group, .owner]) ==
                bruteForce(inbox, .all, nil).filter { [.group, .owner].contains(inbox.notification(at: $0).kind) })
    }

    @Test func positionAndOrderMatchTheNotificationOrder() {
        var inbox = Inbox()
        inbox.insert(note(0, kind: .owner, ms: 10, topic: "b"))
        inbox.insert(note(1, kind: .owner, ms: 10, topic: "a"))
        inbox.insert(note(2, kind: .owner, ms: 30))
        let rows = inbox.rows(in: .all, kind: nil)
        #expect(Array(rows) == [2, 1, 0])
        #expect(inbox.isNewer(1, than: 0))
        #expect(inbox.position(of: 1, in: rows) == (row: 1, found: true))
        #expect(inbox.state(at: 2) == .unread)
        #expect(inbox.index(ofID: "n2") == 2)
        #expect(inbox.withSearchText(at: 2) { title, _, _ in String(decoding: title, as: UTF8.self) } == "t2")
    }

    @Test func storageGrowsInChunksWithoutLosingAnything() {
        var inbox = Inbox()
        for i in 0..<5000 { inbox.insert(note(i, kind: .owner, ms: Int64(i))) }
        #expect(inbox.notification(at: 4999).id == "n4999")
        #expect(inbox.notification(id: "n4096")?.title == "t4096")
        #expect(inbox.rows(in: .unread, kind: .owner).first == 4999)
    }
}

/// `RowList.merge`: a sorted batch lands where a full sort would put it, touching only its chunks.
@Suite struct RowListMergeTests {
    @Test(arguments: [0, 1, 7, 700, 5_000])
    func aMergedBatchIsWhereASortWouldPutIt(_ batch: Int) {
        var rng = SystemRandomNumberGenerator()
        // Values are their own sort key, largest first (as newest first).
        let existing = (0..<20_000).map { _ in Int32.random(in: 0..<1_000_000, using: &rng) }
        var base = Array(Set(existing)).sorted(by: >)
        var list = RowList(int32: base)
        let taken = Set(base)
        var items = Array(Set((0..<batch).map { _ in Int32.random(in: -10..<1_000_010, using: &rng) }).subtracting(taken))
        items.sort(by: >)
        let withDuplicates = items + items.prefix(3) + base.prefix(2)
        list.merge(sorted: withDuplicates.sorted(by: >)) { $0 > $1 }
        base += items
        base.sort(by: >)
        #expect(list.count == base.count)
        #expect(Array(list) == base.map(Int.init), "in order, each once")
        var largest = 0
        list.forEachChunkArray { _, chunk, _ in largest = max(largest, chunk.count) }
        #expect(largest <= RowList.chunkLimit)
        if let middle = base.dropFirst(base.count / 2).first {
            #expect(list[base.count / 2] == Int(middle), "row starts are right after the merge")
        }
    }
}
