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
        append(n, state: state, triage: triage, to: &w)
        return w.bytes
    }

    /// Appends the JSON line of `n` (no newline) to `w`.
    public static func append(_ n: Notification, state: ReadState, triage: Triage = Triage(), to w: inout JSONWriter) {
        write(n, kind: n.kind, createdAtMs: n.createdAtMs, topic: n.source.topic, partition: n.source.partition,
              offset: n.source.offset, state: state, triage: triage, to: &w)
    }

    /// Appends the JSON line of the notification at storage index `index` of `inbox` (no
    /// newline) to `w`, with its state and triage facts: the same bytes as `append` of
    /// `inbox.notification(at: index)`, written from the packed text in place (no
    /// `Notification` or String is made, unless it has extra fields).
    public static func append(_ inbox: Inbox, at index: Int, to w: inout JSONWriter) {
        let key = inbox.keys[index]
        let triage = Triage(inbox, at: index)
        inbox.storage.withEntry(at: index) { r in
            write(PackedEntry.fields(&r), kind: inbox.kind(at: index), createdAtMs: key.ms,
                  topic: inbox.topicNames[Int(key.topic)], partition: key.partition, offset: key.offset,
                  state: inbox.state(at: index), triage: triage, to: &w)
        }
    }

    /// Appends the JSON line and a newline of each storage index in `rows` of `inbox`, in
    /// order (each as `append(_:at:to:)` writes it). Rows sorted by time are scattered over
    /// the inbox's memory: they are read a group at a time before their lines are written.
    public static func appendLines(_ inbox: Inbox, rows: ArraySlice<Int>, to w: inout JSONWriter) {
        var start = rows.startIndex
        while start < rows.endIndex {
            let group = rows[start..<min(start + gatherRows, rows.endIndex)]
            // First a tight loop that only reads each row's memory: its iterations do not
            // wait for one another, so the reads overlap (a line's own reads would each
            // wait in turn behind the work of writing it); then the lines, from the cache.
            var sum: UInt64 = 0
            for i in group { sum &+= inbox.touch(i) }
            ReadAhead.keep(sum)
            for i in group {
                append(inbox, at: i, to: &w)
                w.endLine()
            }
            start = group.endIndex
        }
    }

    /// Rows read ahead at a time by `appendLines` (about 70 KB of text: they stay in the cache).
    static let gatherRows = 512


    /// The one definition of the line: `n`'s text fields as bytes (`PackedEntrySource`),
    /// the rest given.
    @inline(__always)
    static func write<S: PackedEntrySource>(_ n: S, kind: Kind, createdAtMs: Int64, topic: String, partition: Int32,
                                            offset: Int64, state: ReadState, triage: Triage, to w: inout JSONWriter) {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        w.beginObject()
        n.withField(.id) { w.fieldOrNull(literal: "id", utf8: $0 ?? empty) }
        w.fieldOrNull(literal: "kind", kind.rawValue)
        n.withField(.user) { w.fieldOrNull(literal: "user", utf8: $0) }
        n.withField(.title) { w.fieldOrNull(literal: "title", utf8: $0 ?? empty) }
        n.withField(.body) { w.fieldOrNull(literal: "body", utf8: $0) }
        n.withField(.actor) { w.fieldOrNull(literal: "actor", utf8: $0) }
        n.withField(.url) { w.fieldOrNull(literal: "url", utf8: $0) }
        w.key(literal: "created_at")
        w.iso8601(ms: createdAtMs)
        w.key(literal: "object")
        let objectType = n.withField(.objectType) { $0 != nil }
        let objectID = n.withField(.objectID) { $0 != nil }
        if objectType || objectID {
            w.beginObject()
            n.withField(.objectType) { w.fieldOrNull(literal: "type", utf8: $0) }
            n.withField(.objectID) { w.fieldOrNull(literal: "id", utf8: $0) }
            w.endObject()
        } else {
            w.null()
        }
        w.key(literal: "extra")
        w.beginObject()
        let extras = n.extras
        let actions = extras.isEmpty ? [] : NotificationAction.list(extra: extras)
        if !extras.isEmpty {
            var written: Set<String> = actions.isEmpty ? [] : [NotificationAction.field]
            w.members(extras, written: &written)
        }
        w.endObject()
        w.fieldOrNull(literal: "topic", topic)
        w.field(literal: "partition", partition)
        w.field(literal: "offset", offset)
        w.fieldOrNull(literal: "state", state.rawValue)
        w.key(literal: "snoozed_until")
        if let until = triage.snoozedUntilMs { w.iso8601(ms: until) } else { w.null() }
        w.field(literal: "was_snoozed", triage.wasSnoozed)
        w.field(literal: "muted", triage.muted)
        w.key(literal: "tags")
        w.beginArray()
        for t in triage.tags { w.string(t) }
        w.endArray()
        w.key(literal: "actions")
        w.beginArray()
        for a in actions {
            w.beginObject()
            w.fieldOrNull(literal: "id", a.id)
            w.fieldOrNull(literal: "label", a.label)
            w.fieldOrNull(literal: "url", a.url)
            w.endObject()
        }
        w.endArray()
        n.withField(.malformedReason) { reason in
            w.field(literal: "malformed", reason != nil)
            guard let reason else { return }
            w.fieldOrNull(literal: "malformed_reason", utf8: reason)
            n.withField(.raw) { w.fieldOrNull(literal: "raw", utf8: $0) }
        }
        w.endObject()
    }
}
