import InboxCore
import InboxFeed
import KafkaKit

/// The loop of `watch`: catch up (printing what existed at start oldest first, with its
/// settled state), then print live notifications as they come. One reader either way: with
/// every partition assigned, or through a consumer group (then receipts come from a second,
/// assigned reader, since each group member sees only some notifications).
public struct WatchSession {
    /// How one notification is printed (without the newline): notification, state, now (ms).
    public typealias Format = (InboxCore.Notification, ReadState, Int64) -> String

    let settings: Settings
    let format: Format
    let unreadOnly: Bool
    let limit: Int?
    /// Which notifications to print (nil: all), given the state they would print with.
    let filter: ((InboxCore.Notification, ReadState) -> Bool)?
    /// Where printed text and warnings go.
    let output: (String) -> Void
    let warn: (String) -> Void
    /// Brokers lost and back, told once each.
    private var health = BrokerHealth()
    private var states = Inbox()
    private var printed = Set<String>()
    private var printedCount = 0
    /// With `unreadOnly`: snoozed notifications held back, printed when their snooze ends.
    private var waiting: [String: (notification: InboxCore.Notification, until: Int64)] = [:]
    /// Rules and filter mutes (a muted notification is not unread for `unreadOnly`).
    private let triage: TriageConfig
    private let overlay: PendingOverlay

    /// `pending`: the user's receipts still in the outbox, shown as the state until the
    /// receipts topic has them.
    public init(settings: Settings, format: @escaping Format, unreadOnly: Bool, limit: Int?, pending: [Receipt] = [],
                filter: ((InboxCore.Notification, ReadState) -> Bool)? = nil,
                output: @escaping (String) -> Void, warn: @escaping (String) -> Void) {
        self.filter = filter
        self.settings = settings
        self.format = format
        self.unreadOnly = unreadOnly
        self.limit = limit
        self.output = output
        self.warn = warn
        overlay = PendingOverlay(pending)
        triage = settings.triage.config
        for r in pending { states.applyEvent(r) }
    }

    private var done: Bool { limit.map { printedCount >= $0 } ?? false }

    /// Prints what passes the filters; returns false once `limit` is reached.
    private mutating func emit(_ notifications: [InboxCore.Notification]) -> Bool {
        var text = ""
        let now = Timestamps.nowMs()
        for n in notifications where !done {
            guard !printed.contains(n.id) else { continue }
            let state = states.state(of: n.id, at: now)
            if unreadOnly && state == .snoozed, let end = states.snoozeEnd(of: n.id) {
                waiting[n.id] = (n, end)  // printed when the snooze ends, if still unread then
                continue
            }
            printed.insert(n.id)
            if unreadOnly && (state != .unread || states.mutes.covers(n, at: now, filter: triage.filterMatches)) { continue }
            if let filter, !filter(n, state) { continue }
            text += format(n, state, now)
            text += "\n"
            printedCount += 1
        }
        if !text.isEmpty { output(text) }
        return !done
    }

    /// Prints the held-back notifications whose snooze has ended (a later receipt decides).
    private mutating func wake() -> Bool {
        guard !waiting.isEmpty else { return !done }
        let now = Timestamps.nowMs()
        let due = waiting.values.filter { $0.until <= now || states.state(of: $0.notification.id) != .snoozed }
            .sorted { $0.until < $1.until }.map(\.notification)
        for n in due { waiting[n.id] = nil }
        return emit(due)
    }

    private mutating func apply(_ batch: ReadBatch) {
        for r in overlay.filter(batch.receipts).apply { states.applyEvent(r) }
        for c in batch.conditions {
            if case .brokerUnreachable = c {
                if let change = health.note(c) { warn(change.description) }
            } else {
                warn(c.description)
            }
        }
        for change in health.recheck() { warn(change.description) }
    }

    /// Runs until `limit` is reached, or (with `exitAtEnd`) the end of what existed at start.
    /// With `group`, the notifications come through that consumer group and offsets are
    /// committed after printing (at-least-once); `from` must then be `.beginning` or `.end`.
    public mutating func run(kinds: [Kind]?, from: StartPosition, exitAtEnd: Bool, group: String? = nil) throws(ServiceError) {
        let reader: InboxReader
        var receipts: InboxReader?
        if let group {
            let r = try settings.startReader(kinds: kinds, notifications: false, receipts: true)
            while !r.caughtUp { apply(r.step(timeoutMs: 200)) }
            receipts = r
            reader = try settings.startReader(kinds: kinds, from: from, group: group)
        } else {
            reader = try settings.startReader(kinds: kinds, from: from)
            for t in reader.missingTopics { warn("note: topic \(t) does not exist (yet); it is picked up when created") }
        }
        defer { reader.close() }
        if group == nil {
            // Catch up first, so that the state printed with each notification is the settled one.
            var pending: [InboxCore.Notification] = []
            while !reader.caughtUp {
                let batch = reader.step(timeoutMs: 200)
                apply(batch)
                pending += batch.notifications.notifications
            }
            // Oldest first by creation time; ties keep the order they were read in (log order).
            pending = pending.enumerated().sorted { a, b in
                a.element.createdAtMs != b.element.createdAtMs ? a.element.createdAtMs < b.element.createdAtMs : a.offset < b.offset
            }.map(\.element)
            guard emit(pending), !exitAtEnd else { return }
        }
        while true {
            let batch = reader.step(timeoutMs: group == nil ? 500 : 200)
            apply(batch)
            if let receipts { apply(receipts.step(timeoutMs: 0)) }
            let more = emit(batch.notifications.notifications) && wake()
            reader.commit()
            if !more { return }
            if exitAtEnd && reader.caughtUp { return }
        }
    }
}
