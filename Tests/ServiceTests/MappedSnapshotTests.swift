import Foundation
import InboxCore
import InboxService
import Testing

/// A snapshot opened from its file reads the notifications' text in place (the mapping lives
/// as long as the inbox): the inbox grows after it, and the file replaced meanwhile (as every
/// later save does, by a rename) leaves what was opened as it was.
@Suite struct MappedSnapshotTests {
    static let header = SnapshotHeader(user: "alice", cluster: "localhost:9092", clusterID: "c1",
                                       layout: TopicLayout(notificationTemplate: "notify.{user}.{kind}", receiptsTemplate: "receipts.{user}",
                                                           kinds: Kind.standard, patterns: []),
                                       writtenAtMs: 1_000, partitions: [], writer: "test")

    static func note(_ i: Int, _ prefix: String = "n") -> InboxCore.Notification {
        InboxCore.Notification(id: "\(prefix)-\(i)", kind: [Kind.group, .owner, .watching][i % 3], title: "title \(prefix) \(i) ünï",
                               body: String(repeating: "body \(i) ", count: 1 + i % 40), actor: "actor-\(i % 7)",
                     createdAtMs: Int64(i) * 1_000, source: SourcePosition(topic: "notify.alice.owner", partition: Int32(i % 4), offset: Int64(i)))
    }

    @Test func anOpenedSnapshotReadsInPlaceGrowsAndOutlivesItsFile() throws {
        let dir = NSTemporaryDirectory() + "kafka-inbox-mapped-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = SnapshotStore(path: dir + "/snapshot.bin")
        var inbox = Inbox()
        // Several store chunks' worth (1 MB each), so that entries of many chunks are read in place.
        for i in 0..<12_000 { inbox.insert(Self.note(i)) }
        for i in stride(from: 0, to: 12_000, by: 5) { inbox.setState(.read, for: "n-\(i)") }
        try store.save(Self.header, inbox: inbox)

        guard case .snapshot(let snapshot, _, _) = store.load() else { Issue.record("no snapshot"); return }
        var opened = snapshot.inbox
        // The file replaced (by a rename) and removed: what was opened reads as before.
        try store.save(Self.header, inbox: Inbox())
        store.remove()
        #expect(opened.count == 12_000)
        for i in stride(from: 0, to: 12_000, by: 997) {
            #expect(opened.notification(id: "n-\(i)") == inbox.notification(id: "n-\(i)"), "n-\(i)")
        }
        #expect(opened.newestFirst() == inbox.newestFirst())
        #expect(opened.counts == inbox.counts)

        // New notifications go into chunks of the store's own after the mapped ones.
        for i in 0..<3_000 { opened.insert(Self.note(i, "late")) }
        opened.setState(.read, for: "late-2999")
        #expect(opened.count == 15_000)
        #expect(opened.notification(id: "late-2999")?.title == "title late 2999 ünï")
        #expect(opened.notification(id: "n-11999") == inbox.notification(id: "n-11999"))
        #expect(opened.state(of: "late-2999") == .read)

        // A copy of the grown inbox saves and opens again, text from both kinds of chunk.
        try store.save(Self.header, inbox: opened)
        guard case .snapshot(var again, _, _) = store.load() else { Issue.record("no snapshot the second time"); return }
        #expect(again.inbox.count == 15_000)
        #expect(again.inbox.notification(id: "late-0") == opened.notification(id: "late-0"))
        #expect(again.inbox.notification(id: "n-0") == inbox.notification(id: "n-0"))
        #expect(again.inbox.newestFirst() == opened.newestFirst())
    }
}
