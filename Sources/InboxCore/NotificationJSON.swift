/// The one-line JSON form of a notification, for `list --json` and piped `watch` output.
///
/// Keys, always in this order: `id`, `kind`, `user`, `title`, `body`, `actor`, `url`,
/// `created_at` (ISO 8601 UTC with milliseconds), `object` (`{type, id}` or null),
/// `extra` (an object of the unknown fields, JSON values as JSON), `topic`, `partition`,
/// `offset`, `state`, `malformed`; malformed entries add `malformed_reason` and `raw`.
/// Missing optional values are `null`. Every string is escaped by `JSONWriter`, so the
/// line is valid JSON whatever the notification holds.
public enum NotificationJSON {
    /// The JSON line for `notification` in `state`, without a trailing newline.
    public static func line(_ notification: Notification, state: ReadState) -> String {
        String(decoding: bytes(notification, state: state), as: UTF8.self)
    }

    /// The JSON line as UTF-8 bytes, without a trailing newline.
    public static func bytes(_ n: Notification, state: ReadState) -> [UInt8] {
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
        var written = Set<String>()
        w.members(n.extra, written: &written)
        w.endObject()
        w.fieldOrNull("topic", n.source.topic)
        w.field("partition", n.source.partition)
        w.field("offset", n.source.offset)
        w.fieldOrNull("state", state.rawValue)
        w.field("malformed", n.isMalformed)
        if let reason = n.malformedReason {
            w.fieldOrNull("malformed_reason", reason)
            w.fieldOrNull("raw", n.raw)
        }
        w.endObject()
        return w.bytes
    }
}
