/// The one-line JSON form of a notification, for `list --json` and piped `watch` output.
///
/// Keys, always in this order: `id`, `kind`, `user`, `title`, `body`, `actor`, `url`,
/// `created_at` (ISO 8601 UTC with milliseconds), `object` (`{type, id}` or null),
/// `extra` (an object of the unknown fields, JSON values as JSON), `topic`, `partition`,
/// `offset`, `state`, `snoozed_until` (ISO 8601 or null), `was_snoozed`, `muted`, `tags` (from `tag:` rules),
/// `actions` (the producer's actions, `[{id, label, url}]`, empty when none), `malformed`;
/// malformed entries add `malformed_reason` and `raw`. An `actions` field the producer sent
/// is shown there, not in `extra` (unless it could not be read as actions).
/// Missing optional values are `null`. Every string is escaped by `JSONWriter`, so the
/// line is valid JSON whatever the notification holds.
public enum NotificationJSON {
    /// What the inbox knows of a row beyond its state.
    public struct Triage: Sendable, Hashable {
        /// When the snooze ends, for a snoozed notification.
        public var snoozedUntilMs: Int64?
        /// Whether it came back from a snooze and has not been marked since.
        public var wasSnoozed = false
        /// Whether a mute covers it.
        public var muted = false
        /// Labels from `tag:` rules.
        public var tags: [String] = []

        /// Creates the facts.
        public init(snoozedUntilMs: Int64? = nil, wasSnoozed: Bool = false, muted: Bool = false, tags: [String] = []) {
            self.snoozedUntilMs = snoozedUntilMs
            self.wasSnoozed = wasSnoozed
            self.muted = muted
            self.tags = tags
        }

        /// The facts `inbox` holds for the notification at storage index `index`.
        public init(_ inbox: Inbox, at index: Int) {
            self.init(snoozedUntilMs: inbox.snoozedUntil(at: index), wasSnoozed: inbox.wasSnoozed(at: index),
                      muted: inbox.isMuted(at: index), tags: inbox.labels(at: index))
        }
    }

    /// The JSON line for `notification` in `state`, without a trailing newline.
    public static func line(_ notification: Notification, state: ReadState, triage: Triage = Triage()) -> String {
        String(decoding: bytes(notification, state: state, triage: triage), as: UTF8.self)
    }

    /// The JSON line as UTF-8 bytes, without a trailing newline.
    public static func bytes(_ n: Notification, state: ReadState, triage: Triage = Triage()) -> [UInt8] {
        var w = JSONWriter(capacity: 320)
        w.beginObject()
        w.fieldOrNull("id", n.id)
        w.fieldOrNull("kind", n.kind.rawValue)
        w.fieldOrNull("user", n.user)
        w.fieldOrNull("title", n.title)
        w.fieldOrNull("body", n.body)
        w.fieldOrNull("actor", n.actor)
        w.fieldOrNull("url", n.url)
        w.fieldOrNull("created_at", Timestamps.iso8601(ms: n.createdAtMs))
        w.key("object")
        if n.objectType != nil || n.objectID != nil {
            w.beginObject()
            w.fieldOrNull("type", n.objectType)
            w.fieldOrNull("id", n.objectID)
            w.endObject()
        } else {
            w.null()
        }
        w.key("extra")
        w.beginObject()
        let actions = NotificationAction.list(of: n)
        var written: Set<String> = actions.isEmpty ? [] : [NotificationAction.field]
        w.members(n.extra, written: &written)
        w.endObject()
        w.fieldOrNull("topic", n.source.topic)
        w.field("partition", n.source.partition)
        w.field("offset", n.source.offset)
        w.fieldOrNull("state", state.rawValue)
        w.fieldOrNull("snoozed_until", triage.snoozedUntilMs.map { Timestamps.iso8601(ms: $0) })
        w.field("was_snoozed", triage.wasSnoozed)
        w.field("muted", triage.muted)
        w.key("tags")
        w.beginArray()
        for t in triage.tags { w.string(t) }
        w.endArray()
        w.key("actions")
        w.beginArray()
        for a in actions {
            w.beginObject()
            w.field("id", a.id)
            w.field("label", a.label)
            w.fieldOrNull("url", a.url)
            w.endObject()
        }
        w.endArray()
        w.field("malformed", n.isMalformed)
        if let reason = n.malformedReason {
            w.fieldOrNull("malformed_reason", reason)
            w.fieldOrNull("raw", n.raw)
        }
        w.endObject()
        return w.bytes
    }
}
