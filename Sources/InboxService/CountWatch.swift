import InboxCore
import InboxFeed
import InboxSystem

/// `count --watch`: the unread count, printed again each time it changes (a status-bar
/// feed). Event-driven: the reader blocks in librdkafka between messages, and the only
/// timer is the next snooze end. Ends quietly when its reader (stdout) goes away.
public struct CountWatch {
    /// `text` (the number) or `json` (`{"unread": N, "by_kind": {…}, "text": "…"}`).
    public enum Format: String, Sendable, CaseIterable { case text, json }

    let settings: Settings
    let kinds: [Kind]?
    let query: InboxQuery?
    let format: Format
    /// Writes one line; returns false when nobody reads any more.
    let write: ([UInt8]) -> Bool

    /// A watch of `settings`' inbox.
    public init(settings: Settings, kinds: [Kind]?, query: InboxQuery?, format: Format, write: @escaping ([UInt8]) -> Bool) {
        self.settings = settings
        self.kinds = kinds
        self.query = query
        self.format = format
        self.write = write
    }

    /// Runs until the output goes away.
    public func run() throws(ServiceError) {
        let reader = try settings.startReader(kinds: kinds)
        defer { reader.close() }
        let triage = settings.triage.config
        var inbox = Inbox()
        var last: [UInt8]?
        var ruled = false
        var lastMuteEnd = Int64.min
        while true {
            let now = Timestamps.nowMs()
            let next = [inbox.nextSnoozeEndMs, inbox.mutes.nextEndMs(after: now)].compactMap { $0 }.min()
            let wait = next.map { Int32(clamping: max(0, min(500, $0 - now))) } ?? 500
            let batch = reader.step(timeoutMs: wait)
            let before = inbox.count
            inbox.insert(contentsOf: batch.notifications)
            var mutes = false
            for r in batch.receipts {
                if r.type == .mute || r.type == .unmute { mutes = true }
                inbox.applyEvent(r)
            }
            let muteEnded = inbox.mutes.byID.values.contains { m in m.untilMs.map { $0 > lastMuteEnd && $0 <= now } ?? false }
            lastMuteEnd = now
            if mutes || muteEnded || (!inbox.mutes.isEmpty && inbox.count > before) {
                inbox.refreshMutes(nowMs: now, filter: triage.filterMatches)
            }
            if reader.caughtUp {
                // Rules see the backlog once the receipts are read, then each arrival (as the inbox does).
                _ = inbox.applyRules(triage.rules, to: (ruled ? before : 0)..<inbox.count, nowMs: now)
                ruled = true
            }
            inbox.expireSnoozes(nowMs: Timestamps.nowMs())
            guard reader.caughtUp else { continue }
            let line = self.line(inbox)
            if line != last {
                guard write(line) else { return }
                last = line
            }
        }
    }

    /// The line for the current counts.
    public func line(_ inbox: Inbox) -> [UInt8] {
        let shownKinds = kinds ?? settings.layout.kinds
        var byKind: [(String, Int)] = []
        var total = 0
        if let query {
            var counts: [Kind: Int] = [:]
            var copy = inbox
            for i in copy.rows(in: .unread, kind: nil) where query.matches(inbox.notification(at: i), InboxQuery.Facts(rowClass: .unread)) {
                counts[inbox.kind(at: i), default: 0] += 1
            }
            byKind = shownKinds.map { ($0.rawValue, counts[$0] ?? 0) }
            total = kinds == nil ? counts.values.reduce(0, +) : byKind.reduce(0) { $0 + $1.1 }
        } else {
            byKind = shownKinds.map { ($0.rawValue, inbox.counts.count(.unread, kind: $0)) }
            total = kinds == nil ? inbox.counts.count(.unread) : byKind.reduce(0) { $0 + $1.1 }
        }
        let text = total == 0 ? "inbox clear" : "\(total) unread"
        switch format {
        case .text:
            return Array("\(total)\n".utf8)
        case .json:
            var w = JSONWriter(capacity: 128)
            w.beginObject()
            w.field("unread", total)
            w.key("by_kind")
            w.beginObject()
            for (k, n) in byKind { w.field(k, n) }
            w.endObject()
            w.field("text", text)
            w.endObject()
            return w.bytes + [0x0A]
        }
    }
}
