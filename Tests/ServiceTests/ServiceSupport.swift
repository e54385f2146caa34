import Foundation
import InboxCore
import InboxEvents
import InboxFeed
import InboxService
import KafkaKit
import Testing

/// An embedded broker with alice's topics, and settings for it whose state directory is a
/// fresh temporary folder (so tests share no outbox or snapshot).
struct ServiceFixture {
    let cluster: MockCluster
    var settings: Settings
    let state: String

    init(partitions: Int32 = 2, brokers: Int32 = 1, timings: ServiceTimings = .fast) throws {
        cluster = try MockCluster(brokers: brokers)
        let layout = TopicLayout()
        for t in layout.topics(user: "alice") + [layout.receiptsTopic(user: "alice")] {
            try cluster.createTopic(t, partitions: partitions)
        }
        state = NSTemporaryDirectory() + "service-tests-\(getpid())-\(UUID().uuidString)"
        settings = try Settings.resolve(SettingsInput(brokers: cluster.bootstrapServers, user: "alice", timeout: 5),
                                        environment: ["XDG_STATE_HOME": state, "XDG_CONFIG_HOME": state, "USER": "alice"])
        settings.fetchWaitMaxMs = InboxReaderTuning.embeddedBrokerFetchWaitMaxMs
        settings.timings = timings
    }

    /// Publishes `count` notifications of `kind` with ids `<prefix>-<i>`; all must be confirmed.
    func publish(_ count: Int, kind: Kind = .owner, prefix: String = "n") throws {
        let messages = (0..<count).map { i in
            OutgoingMessage(topic: settings.layout.topic(user: "alice", kind: kind), key: Array("\(prefix)-\(i)".utf8),
                            value: Array(#"{"id":"\#(prefix)-\#(i)","title":"\#(kind.rawValue) \#(i)","actor":"bob"}"#.utf8))
        }
        let results = try DeliveryEngine(settings: settings).deliver(messages)
        #expect(results.allSatisfy { $0 == nil }, "every notification delivered")
    }

    /// A pipeline on this broker, started and caught up on `count` notifications: it, the
    /// events seen so far, and an inbox of those notifications (what a UI would hold).
    func caughtUpPipeline(_ count: Int) throws -> (InboxPipeline, [InboxEvent], Inbox) {
        let pipeline = try InboxPipeline(settings: settings, kinds: nil)
        pipeline.start()
        var seen: [InboxEvent] = []
        #expect(waitFor(pipeline.events, seen: &seen) { $0.caughtUp && $0.notifications.count == count })
        var inbox = Inbox()
        for n in seen.notifications { inbox.insert(n) }
        return (pipeline, seen, inbox)
    }

    /// The receipts on alice's receipts topic, read to its end.
    func receiptsOnTopic() throws -> [Receipt] {
        let reader = try settings.startReader(kinds: nil, notifications: false, receipts: true)
        defer { reader.close() }
        var all: [Receipt] = []
        while !reader.caughtUp { all += reader.step(timeoutMs: 200).receipts }
        return all
    }
}

extension ServiceTimings {
    /// Every interval in milliseconds, so that tests wait for conditions, not for seconds.
    static var fast: ServiceTimings {
        var t = ServiceTimings()
        t.reconnect = .milliseconds(50)
        t.probe = .milliseconds(50)
        t.lockRetry = .milliseconds(20)
        t.adopt = .milliseconds(20)
        t.journalRetry = .milliseconds(20)
        t.replayDeadline = .seconds(600)
        t.firstBackoff = .milliseconds(10)
        t.maxBackoff = .milliseconds(100)
        t.snapshot = .milliseconds(50)
        return t
    }
}

/// Waits (bounded) until `condition` holds, draining `events` into `seen` meanwhile.
@discardableResult
func waitFor(_ events: EventQueue, seen: inout [InboxEvent], timeout: Duration = .seconds(20),
             _ condition: ([InboxEvent]) -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition(seen) { return true }
        var pfd = pollfd(fd: events.readFD, events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, 50)
        seen += events.drain()
    }
    return condition(seen)
}

/// Waits (bounded) until `condition` holds.
@discardableResult
func waitUntil(timeout: Duration = .seconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

extension [InboxEvent] {
    /// Notifications in these events, unpacked.
    var notifications: [InboxCore.Notification] {
        flatMap { e -> [InboxCore.Notification] in if case .notifications(let b) = e { return b.notifications } else { return [] } }
    }
    /// Whether catch-up was reported done.
    var caughtUp: Bool { contains { if case .catchUp(_, _, true) = $0 { return true } else { return false } } }
    /// The last pending-receipts count reported.
    var lastPending: Int? {
        last { if case .pendingReceipts = $0 { return true } else { return false } }.flatMap {
            if case .pendingReceipts(let n) = $0 { return n } else { return nil }
        }
    }
}
