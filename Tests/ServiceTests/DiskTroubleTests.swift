import Foundation
import InboxCore
import InboxEvents
import InboxService
import KafkaKit
import Synchronization
import Testing

/// Issue 15, part 4: the state directory full, read-only or missing. The faults are real:
/// a journal that is `/dev/full` (every write ENOSPC), a state directory under a regular
/// file (ENOTDIR), a small tmpfs (ENOSPC part way through a write; only where it can be
/// mounted). The inbox keeps delivering, says so once, and never calls a receipt safe that is not.
@Suite(.serialized) struct DiskTroubleTests {
    /// Makes `f`'s outbox journal a link to /dev/full: it opens, and every write fails with ENOSPC.
    func fullJournal(_ f: ServiceFixture) throws {
        try FileManager.default.createDirectory(atPath: f.settings.state.directory, withIntermediateDirectories: true)
        #expect(symlink("/dev/full", f.settings.outboxPath) == 0)
    }

    /// `f`'s settings with a state directory that cannot be created (its parent is a regular file).
    func unwritableState(_ f: ServiceFixture) throws -> Settings {
        try Data("x".utf8).write(to: URL(fileURLWithPath: f.state + "-file"))
        return try Settings.resolve(SettingsInput(brokers: f.cluster.bootstrapServers, user: "alice", timeout: 5),
                                    environment: ["XDG_STATE_HOME": f.state + "-file/state", "XDG_CONFIG_HOME": f.state, "USER": "alice"])
    }

    func request(_ id: String, _ type: ReceiptType = .read) -> ReceiptRequest {
        ReceiptRequest(notificationID: id, kind: .owner, source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: 0), type: type)
    }

    func errors(_ events: [InboxEvent]) -> [String] {
        events.compactMap { if case .error(let text) = $0 { return text } else { return nil } }
    }

    /// A fixture whose state directory is `stateHome` (a tiny disk).
    static func fixture(stateHome: String) throws -> ServiceFixture {
        var f = try ServiceFixture()
        f.settings = try Settings.resolve(SettingsInput(brokers: f.cluster.bootstrapServers, user: "alice", timeout: 5),
                                          environment: ["XDG_STATE_HOME": stateHome, "XDG_CONFIG_HOME": f.state, "USER": "alice"])
        return f
    }

    @Test func aSenderWhoseJournalIsFullDeliversEveryReceiptAndSaysSoOnce() throws {
        let f = try ServiceFixture()
        try fullJournal(f)
        let events = try EventQueue()
        let sender = ReceiptSender(settings: f.settings, events: events, outbox: try Outbox(path: f.settings.outboxPath), overlay: PendingOverlay())
        sender.start(earlier: [])
        sender.receiptsCaughtUp()
        defer { sender.stop() }
        var seen: [InboxEvent] = []
        for id in ["n-1", "n-2", "n-3"] {  // three key presses, each journaled on its own
            sender.enqueue([request(id)])
            #expect(waitFor(events, seen: &seen) { _ in sender.pending == 0 }, "delivered straight to Kafka")
        }
        #expect(try f.receiptsOnTopic().map(\.notificationID) == ["n-1", "n-2", "n-3"])
        let said = errors(seen)
        #expect(said == ["receipts not saved locally (state dir full: ENOSPC) — sending straight to Kafka; "
                         + "quitting before they are confirmed loses them"], "told once, plainly: \(said)")
        let status = seen.map { "\($0)" }.filter { $0.contains("unsavedReceipts") }
        #expect(status.contains { $0.contains("unsavedReceipts(1") }, "the status line counts the unsaved one: \(status)")
        #expect(status.last?.contains("unsavedReceipts(0") == true, "none left unsaved once confirmed: \(status)")
    }

    @Test func aReceiptTheJournalCouldNotTakeIsRetriedAfterAFailedDeliveryNotDropped() throws {
        let f = try ServiceFixture()
        try fullJournal(f)
        try f.publish(1)  // the producer's first request is not the one refused below
        let events = try EventQueue()
        let sender = ReceiptSender(settings: f.settings, events: events, outbox: try Outbox(path: f.settings.outboxPath), overlay: PendingOverlay())
        sender.start(earlier: [])
        sender.receiptsCaughtUp()
        defer { sender.stop() }
        f.cluster.pushRequestErrors(apiKey: KafkaAPIKey.produce, errors: [KafkaErrorCode.topicAuthorizationFailed])
        sender.enqueue([request("n-0", .acknowledged)])
        var seen: [InboxEvent] = []
        #expect(waitFor(events, seen: &seen) { _ in sender.pending == 0 })
        #expect(errors(seen).contains { $0.contains("not delivered") && $0.contains("kept in memory only (not saved locally)") },
                "\(errors(seen))")
        #expect(try f.receiptsOnTopic().map(\.notificationID) == ["n-0"], "delivered on a retry, not dropped as 'no longer in the outbox'")
    }

    /// A full journal (it opens; every write fails) and a state directory that cannot be created.
    @Test(arguments: ["state dir full: ENOSPC", "state dir cannot be created: ENOTDIR"])
    func quittingWithAnUnconfirmedReceiptTheJournalCouldNotTakeSaysItIsLost(cause: String) throws {
        let f = try ServiceFixture()
        var settings = f.settings
        if cause.hasSuffix("ENOSPC") { try fullJournal(f) } else { settings = try unwritableState(f) }
        try f.cluster.setBroker(1, up: false)
        let pipeline = try InboxPipeline(settings: settings, kinds: nil)
        pipeline.start()
        pipeline.send([request("n-1")])
        var seen: [InboxEvent] = []
        #expect(waitFor(pipeline.events, seen: &seen) { self.errors($0).contains { $0.contains("receipts not saved locally (\(cause))") } },
                "said: \(errors(seen))")
        let finished = pipeline.finish(Inbox(), flushTimeout: .milliseconds(200), joinTimeout: .seconds(2))
        #expect(finished.unconfirmed == 1)
        #expect(finished.problems.contains { $0.hasPrefix("1 receipt(s) not confirmed by") && $0.contains("not saved locally (\(cause)): they are lost") },
                "never 'kept': \(finished.problems)")
        try f.cluster.setBroker(1, up: true)
    }

    @Test(.enabled(if: TinyDisk.available, "needs the right to mount a tmpfs"))
    func aWriteCutShortByAFullDiskLeavesNoPartOfItInTheJournal() throws {
        let disk = try TinyDisk(kilobytes: 64)
        let path = disk.path + "/outbox.jsonl"
        let outbox = try Outbox(path: path)
        disk.fill(leaving: 4096)
        let factory = ReceiptFactory(user: "alice")
        let many = (0..<200).map { factory.receipt(.read, id: "n-\($0)", kind: "owner", source: nil) }  // about 60 KB
        #expect(throws: (any Error).self) { try outbox.add(many) }
        let reopened = try Outbox(path: path)
        #expect(reopened.damagedAtOpen == 0, "no torn line left behind")
        #expect(try reopened.pending().isEmpty, "all of the batch or none of it")
        disk.empty()
        try outbox.add([many[0]])
        #expect(try Outbox(path: path).pending().map(\.receiptID) == [many[0].receiptID], "journaling resumes once there is room")
    }

    @Test(.enabled(if: TinyDisk.available, "needs the right to mount a tmpfs"))
    func aJournalWithADamagedLineStillOpensOnAFullDisk() throws {
        let disk = try TinyDisk(kilobytes: 64)
        let path = disk.path + "/outbox.jsonl"
        let kept = ReceiptFactory(user: "alice").receipt(.read, id: "n-1", kind: "owner", source: nil)
        try Outbox(path: path).add([kept])
        let fd = open(path, O_WRONLY | O_APPEND)
        _ = "{\"op\":\"add\",\"recei\n".withCString { write(fd, $0, strlen($0)) }  // a line torn by an earlier crash
        close(fd)
        disk.fill()
        let reopened = try Outbox(path: path)  // compacting it needs room there is not
        #expect(reopened.damagedAtOpen == 1)
        #expect(try reopened.pending().map(\.receiptID) == [kept.receiptID], "what is readable is still pending")
    }

    @Test(.enabled(if: TinyDisk.available, "needs the right to mount a tmpfs"))
    func onceThereIsRoomAgainTheUnsavedReceiptsAreJournaled() throws {
        let disk = try TinyDisk(kilobytes: 64)
        var f = try Self.fixture(stateHome: disk.path)
        f.settings.timings = .fast
        let events = try EventQueue()
        let sender = ReceiptSender(settings: f.settings, events: events, outbox: try Outbox(path: f.settings.outboxPath), overlay: PendingOverlay())
        sender.start(earlier: [])
        sender.receiptsCaughtUp()
        defer { sender.stop() }
        disk.fill()
        try f.cluster.setBroker(1, up: false)
        sender.enqueue([request("n-1")])
        var seen: [InboxEvent] = []
        #expect(waitFor(events, seen: &seen) { _ in sender.unsavedCount == 1 })
        disk.empty()
        #expect(waitFor(events, seen: &seen) { $0.contains(.notice("receipts are saved locally again (\(f.settings.outboxPath))")) })
        #expect(sender.unsavedCount == 0)
        #expect(try Outbox(path: f.settings.outboxPath).pending().map(\.notificationID) == ["n-1"], "journaled while unconfirmed")
        try f.cluster.setBroker(1, up: true)
        #expect(waitFor(events, seen: &seen) { _ in sender.pending == 0 })
        #expect(try Outbox(path: f.settings.outboxPath).pending().isEmpty, "done once confirmed")
    }

    @Test(.enabled(if: TinyDisk.available, "needs the right to mount a tmpfs"))
    func aSnapshotThatDoesNotFitIsReportedOnceAndTheOldOneStays() throws {
        let disk = try TinyDisk(kilobytes: 256)
        let f = try Self.fixture(stateHome: disk.path)
        let reports = Mutex<[SnapshotReport]>([])
        let keeper = SnapshotKeeper(settings: f.settings) { r in reports.withLock { $0.append(r) } }
        try f.publish(3)
        _ = try InboxLoader(settings: f.settings, kinds: nil, snapshot: keeper).load()
        let good = try Data(contentsOf: URL(fileURLWithPath: f.settings.snapshotPath))
        disk.fill()
        for round in 0..<2 {  // two more writes, each with more to hold: neither fits
            try f.publish(50, prefix: "more-\(round)")
            _ = try InboxLoader(settings: f.settings, kinds: nil, snapshot: keeper).load()
        }
        let failures = reports.withLock { $0 }.filter(\.isProblem).map(\.text)
        #expect(failures.count == 1 && failures[0].contains("No space left on device"), "one line per cause, not per attempt: \(failures)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.settings.snapshotPath)) == good, "the good snapshot is not replaced")
        let left = try FileManager.default.contentsOfDirectory(atPath: f.settings.state.directory).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty, "no half-written temp file: \(left)")
    }
}
