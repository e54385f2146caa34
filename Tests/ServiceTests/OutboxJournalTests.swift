import Foundation
import InboxCore
import Testing
import InboxSystem
@testable import InboxService

/// The outbox journal on its own: records, recovery from damage, supersession,
/// truncation and compaction, and two handles (as two processes) sharing one file.
@Suite struct OutboxJournalTests {
    let env = ["XDG_STATE_HOME": NSTemporaryDirectory() + "outbox-unit-\(getpid())-\(UUID().uuidString)"]

    func receipt(_ id: String, _ type: ReceiptType = .read) -> Receipt {
        Receipt(type: type, receiptID: IDGenerator.next(), notificationID: id, user: "alice", kind: "owner",
                at: "2026-11-25T14:03:11.120Z", client: "test", source: SourcePosition(topic: "notify.alice.owner", partition: 1, offset: 7))
    }

    func open() throws -> Outbox { try Outbox(path: StatePaths(environment: env).outbox(user: "alice", bootstrap: "127.0.0.1:9092")) }

    @Test func recordsRoundTrip() throws {
        let r = receipt("n-\"1\"\n")
        let add = OutboxRecord.add(r).line
        #expect(add.last == 0x0A)
        #expect(OutboxRecord.parse(add.dropLast()) == .add(r))
        let done = OutboxRecord.done(["a", "b\"c"]).line
        #expect(OutboxRecord.parse(done.dropLast()) == .done(["a", "b\"c"]))
        #expect(OutboxRecord.parse(ArraySlice(#"{"op":"add","receipt":{"type":"read"}}"#.utf8)) == nil)
        #expect(OutboxRecord.parse(ArraySlice("garbage".utf8)) == nil)
    }

    @Test func fileNamesAreSafeAndPerUserAndCluster() {
        let a = StatePaths.fileName("outbox", user: "alice", bootstrap: "b1:9092,B2:9092", ext: "jsonl")
        #expect(a == StatePaths.fileName("outbox", user: "alice", bootstrap: " b2:9092, b1:9092", ext: "jsonl"))
        #expect(a != StatePaths.fileName("outbox", user: "bob", bootstrap: "b1:9092,b2:9092", ext: "jsonl"))
        #expect(a != StatePaths.fileName("outbox", user: "alice", bootstrap: "b1:9093", ext: "jsonl"))
        let odd = StatePaths.fileName("outbox", user: "alice", bootstrap: "../../etc/passwd:1,/x y", ext: "jsonl")
        #expect(!odd.contains("/") && !odd.contains(" "))
    }

    @Test func pendingUntilDoneThenTruncated() throws {
        let box = try open()
        let (a, b) = (receipt("n-1"), receipt("n-2"))
        try box.add([a, b])
        #expect(try box.pending() == [a, b])
        try box.markDone([a.receiptID])
        #expect(try box.pending() == [b])
        #expect(try open().pending() == [b], "a new handle (next start) sees the same")
        try box.markDone([b.receiptID])
        #expect(try box.pending().isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: box.path)[.size] as? Int == 0)
    }

    @Test func aNewerReceiptSupersedesAnOlderOneOfTheSameNotification() throws {
        let box = try open()
        let (read, other, unread) = (receipt("n-1"), receipt("n-2"), receipt("n-1", .unread))
        try box.add([read, other])
        try box.add([unread])
        #expect(try box.pending() == [other, unread])
        try box.markDone([unread.receiptID])
        #expect(try box.pending() == [other], "the older receipt is not replayed over the newer one")
    }

    @Test func damagedLinesAreSkippedCountedAndCompactedAway() throws {
        let first = try open()
        let (a, b) = (receipt("n-1"), receipt("n-2"))
        try first.add([a])
        let handle = try #require(FileHandle(forWritingAtPath: first.path))
        handle.seekToEndOfFile()
        handle.write(Data("not json\n\u{0}\u{ff}\n".utf8) + Data(OutboxRecord.add(b).line.prefix(40)))
        try handle.close()
        // A writer appending after a torn line starts on a new line.
        let c = receipt("n-3")
        try first.add([c])
        let reopened = try open()
        #expect(reopened.damagedAtOpen == 3)
        #expect(try reopened.pending() == [a, c])
        #expect(FileManager.default.fileExists(atPath: first.path + ".damaged"))
        #expect(try open().damagedAtOpen == 0)
    }

    @Test func twoHandlesShareTheFileAcrossCompaction() throws {
        let one = try open()
        let two = try open()
        var kept: [Receipt] = []
        // Enough done records to pass the compaction threshold, written through `one`.
        let batch = (0..<6000).map { receipt("bulk-\($0)") }
        try one.add(batch)
        let survivor = receipt("keep")
        try two.add([survivor])
        kept.append(survivor)
        try one.markDone(batch.map(\.receiptID))
        #expect(try one.pending() == kept)
        // `two` still holds the pre-compaction file: it must notice and write to the new one.
        let late = receipt("late")
        try two.add([late])
        kept.append(late)
        #expect(try one.pending() == kept)
        #expect(try open().pending() == kept)
    }

    @Test func thePendingCountKeptWhileFoldingMatchesThePendingList() throws {
        var contents = OutboxContents()
        var rng = SystemRandomNumberGenerator()
        var made: [Receipt] = []
        for step in 0..<600 {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0, 1:
                let r = receipt("n-\(Int.random(in: 0..<40, using: &rng))")  // often supersedes
                made.append(r)
                contents.apply(.add(r))
            case 2 where !made.isEmpty:
                let ids = (0..<Int.random(in: 1...5, using: &rng)).map { _ in made.randomElement(using: &rng)!.receiptID }
                contents.apply(.done(ids))
            default:
                _ = contents.fold(ArraySlice("garbage \(step)\n".utf8), final: false)
            }
            #expect(contents.pendingCount == contents.pending.count, "after step \(step)")
        }
    }

    /// Fuzz finding (Fuzz/Corpus/OutboxJournal/crash-receipt-id-repeated): a journal that
    /// repeats a receipt id for another notification (damage, a hand edit) kept one of them
    /// counted as pending after a done record named the id, so the journal was never emptied.
    @Test func aReceiptIDRepeatedForAnotherNotificationIsDoneOnce() throws {
        let box = try open()
        let first = receipt("n-1")
        var copy = receipt("n-2")
        copy.receiptID = first.receiptID
        try box.add([first])
        let handle = try #require(FileHandle(forWritingAtPath: box.path))
        handle.seekToEndOfFile()
        handle.write(Data(OutboxRecord.add(copy).line))
        try handle.close()
        #expect(try box.pending().count == 2)
        try box.markDone([first.receiptID])
        #expect(try box.pending().isEmpty)
        let size = (try FileManager.default.attributesOfItem(atPath: box.path)[.size] as? Int) ?? -1
        #expect(size == 0, "emptied: nothing is pending")
        // Superseding one of them keeps the other counted.
        var contents = OutboxContents()
        var later = receipt("n-2")
        later.receiptID = "other"
        for r in [OutboxRecord.add(first), .add(copy), .add(later), .done([first.receiptID])] { contents.apply(r) }
        #expect(contents.pendingCount == contents.pending.count)
        #expect(contents.pending == [later])
    }

    @Test func manyReceiptsDeliveredInBatchesLeaveAnEmptyJournal() throws {
        let box = try open()
        let receipts = (0..<3000).map { receipt("n-\($0)") }
        try box.add(receipts)
        for start in stride(from: 0, to: receipts.count, by: 250) {
            try box.markDone(receipts[start..<min(start + 250, receipts.count)].map(\.receiptID))
            #expect(try box.pending().count == receipts.count - min(start + 250, receipts.count))
        }
        let size = (try FileManager.default.attributesOfItem(atPath: box.path)[.size] as? Int) ?? -1
        #expect(size == 0, "replaced by an empty journal once nothing is pending")
    }
}
