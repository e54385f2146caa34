import Foundation
import InboxCore
import InboxFeed
import KafkaKit

/// The printing loop of `watch`, for both the assigned and the group mode.
struct WatchSession {
    let settings: Settings
    let format: WatchFormat
    let unreadOnly: Bool
    let limit: Int?
    private var states = Inbox()
    private var printed = Set<String>()
    private var printedCount = 0
    private let overlay: PendingOverlay

    /// `pending`: the user's receipts still in the outbox, shown as the state until the
    /// receipts topic has them.
    init(settings: Settings, format: WatchFormat, unreadOnly: Bool, limit: Int?, pending: [Receipt] = []) {
        self.settings = settings
        self.format = format
        self.unreadOnly = unreadOnly
        self.limit = limit
        overlay = PendingOverlay(pending)
        for r in pending { states.apply(r) }
    }

    private var done: Bool { limit.map { printedCount >= $0 } ?? false }

    /// Prints what passes the filters; returns false once `--count` is reached.
    private mutating func emit(_ notifications: [Notification]) -> Bool {
        var text = ""
        let now = Timestamps.nowMs()
        for n in notifications where !done {
            guard printed.insert(n.id).inserted else { continue }
            let state = states.state(of: n.id)
            if unreadOnly && state != .unread { continue }
            text += format.line(n, state: state, nowMs: now)
            text += "\n"
            printedCount += 1
        }
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
        return !done
    }

    private mutating func apply(_ batch: ReadBatch) {
        for r in overlay.filter(batch.receipts).apply { states.apply(r) }
        for e in batch.errors { Console.error("kafka-inbox: \(e)") }
    }

    /// One consumer, every partition assigned, receipts included.
    mutating func runAssigned(kinds: [Kind]?, from: StartPosition, exitAtEnd: Bool) throws {
        let reader = try settings.startReader(kinds: kinds, from: from)
        for t in reader.missingTopics { Console.error("kafka-inbox: note: topic \(t) does not exist (yet); it is picked up when created") }
        // Catch up first, so that the state printed with each notification is the settled one.
        var pending: [Notification] = []
        while !reader.caughtUp {
            let batch = reader.step(timeoutMs: 200)
            apply(batch)
            pending += batch.notifications
        }
        // Oldest first by creation time; ties keep the order they were read in (log order).
        pending = pending.enumerated().sorted { a, b in
            a.element.createdAtMs != b.element.createdAtMs ? a.element.createdAtMs < b.element.createdAtMs : a.offset < b.offset
        }.map(\.element)
        guard emit(pending), !exitAtEnd else { return }
        while true {
            let batch = reader.step(timeoutMs: 500)
            apply(batch)
            if !emit(batch.notifications) { return }
        }
    }

    /// Notifications through a consumer group (offsets committed after printing); receipts
    /// through a separate group-less reader.
    mutating func runGroup(_ group: String, kinds: [Kind]?, fromBeginning: Bool, exitAtEnd: Bool) throws {
        let receipts = try settings.startReader(kinds: kinds, notifications: false, receipts: true)
        while !receipts.caughtUp { apply(receipts.step(timeoutMs: 200)) }

        var config = settings.kafkaConfig()
        config.set("group.id", group, origin: "--group")
        config.set("auto.offset.reset", fromBeginning ? "earliest" : "latest", origin: "--from")
        config.set("enable.partition.eof", "true", origin: "kafka-inbox (--exit-at-end)")
        let consumer: KafkaConsumer
        do { consumer = try KafkaConsumer(config: config) } catch let e as KafkaError { throw Settings.configError(e.reason) }
        let topics = settings.notificationTopics(kinds: kinds)
        let patterns = settings.layout.subscriptionPatterns(user: settings.user)
        var ends: [TopicPartition: Int64] = [:]
        if exitAtEnd {
            let all = try receipts.consumer.client.topics(timeoutMs: settings.timeoutMs)
            for t in all where topics.contains(t.name) {
                for p in t.partitions {
                    ends[TopicPartition(topic: t.name, partition: p)] =
                        try receipts.consumer.client.watermarks(topic: t.name, partition: p, timeoutMs: settings.timeoutMs).high
                }
            }
        }
        try consumer.subscribe(topics + patterns)
        defer { consumer.close() }
        var positions: [TopicPartition: Int64] = [:]
        while true {
            var notifications: [Notification] = []
            var commit: [TopicPartition: Int64] = [:]
            consumer.consumeBatch(timeoutMs: 200) { m in
                let tp = TopicPartition(topic: m.topic, partition: m.partition)
                if m.isPartitionEOF {
                    commit[tp] = max(commit[tp] ?? 0, m.offset)
                    return
                }
                if m.errorCode != 0 {
                    Console.error("kafka-inbox: \(tp): \(m.errorText ?? "error")")
                    return
                }
                let kind = settings.layout.kind(ofTopic: m.topic, user: settings.user)
                let source = SourcePosition(topic: m.topic, partition: m.partition, offset: m.offset)
                notifications.append(NotificationDecoder.decode(m.value, source: source, timestampMs: m.timestampMs, topicKind: kind))
                commit[tp] = m.offset + 1
            }
            apply(receipts.step(timeoutMs: 0))
            let more = emit(notifications)
            try? consumer.commit(commit)
            positions.merge(commit) { _, b in b }
            if !more { return }
            if exitAtEnd, let assigned = try? consumer.assignment(), !assigned.isEmpty {
                let reached = assigned.allSatisfy { tp in
                    let end = ends[tp] ?? 0
                    return end == 0 || (positions[tp] ?? 0) >= end
                }
                if reached { return }
            }
        }
    }
}
