import Foundation
import InboxCore
import InboxService
import Synchronization
import Testing

/// When a command writes the snapshot: `count` (a status bar asks every few seconds)
/// rewrites it only once it is well behind; `list` writes it in the background and waits.
@Suite struct SnapshotWritingTests {
    /// What a keeper reported.
    final class Reports: Sendable {
        let all = Mutex<[SnapshotReport]>([])
    }

    /// A load with a fresh keeper (as each command makes one): the inbox and what the keeper said.
    static func load(_ f: ServiceFixture, _ writing: SnapshotWriting) throws -> (Inbox, [SnapshotReport]) {
        let reports = Reports()
        let keeper = SnapshotKeeper(settings: f.settings) { r in reports.all.withLock { $0.append(r) } }
        var loader = InboxLoader(settings: f.settings, kinds: nil, snapshot: keeper)
        loader.snapshotWriting = writing
        let inbox = try loader.load().inbox
        keeper.waitForWrites()
        return (inbox, reports.all.withLock { $0 })
    }

    @Test func countRewritesTheSnapshotOnlyOnceItIsWellBehind() throws {
        let f = try ServiceFixture()
        try f.publish(5)
        var (inbox, reports) = try Self.load(f, .whenBehind)
        #expect(inbox.count == 5)
        #expect(reports.contains { if case .written = $0 { true } else { false } }, "no snapshot yet: written (\(reports))")
        let first = try Data(contentsOf: URL(fileURLWithPath: f.settings.snapshotPath))

        try f.publish(3, prefix: "late")
        (inbox, reports) = try Self.load(f, .whenBehind)
        #expect(inbox.count == 8, "what the snapshot lacks is read")
        #expect(reports.contains(.kept(newMessages: 3, rewriteAt: SnapshotKeeper.rewriteAfter(5))), "\(reports)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.settings.snapshotPath)) == first, "not rewritten for 3 messages")

        // Well behind (1,024 at least): rewritten, and the next load reads nothing.
        try f.publish(Int(SnapshotKeeper.rewriteAfter(5)), prefix: "many")
        (_, reports) = try Self.load(f, .whenBehind)
        #expect(reports.contains { if case .written = $0 { true } else { false } }, "\(reports)")
        (inbox, reports) = try Self.load(f, .whenBehind)
        #expect(reports.contains(.resumed(notifications: inbox.count, newMessages: 0, notes: [])), "\(reports)")
    }

    @Test func aSnapshotWrittenInTheBackgroundIsTheSameAsOneWrittenAtOnce() throws {
        let f = try ServiceFixture()
        try f.publish(20)
        _ = try Self.load(f, .inBackground)
        let background = SnapshotStore(path: f.settings.snapshotPath).load()
        guard case .snapshot(let a, _, _) = background else { Issue.record("no snapshot: \(background)"); return }
        SnapshotStore(path: f.settings.snapshotPath).remove()
        _ = try Self.load(f, .now)
        guard case .snapshot(let b, _, _) = SnapshotStore(path: f.settings.snapshotPath).load() else { Issue.record("no snapshot"); return }
        #expect(a.inbox.count == 20 && b.inbox.count == 20)
        #expect(a.header.partitions == b.header.partitions)
        // The same notifications (in the order each load happened to receive them).
        let byID = { (inbox: Inbox) in (0..<inbox.count).map { inbox.notification(at: $0) }.sorted { $0.id < $1.id } }
        #expect(byID(a.inbox) == byID(b.inbox))
    }
}
