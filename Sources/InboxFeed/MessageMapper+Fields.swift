import InboxCore
import JQKit

extension MessageMapper {
    /// The notification the mapped `fields` describe, or a malformed entry saying which
    /// field had the wrong type.
    func build(_ fields: MappedFields, _ m: Message, _ source: SourcePosition,
               malformed: (String, String) -> Outcome) -> Outcome {
        // The text keys, in `textKeys` order (no table per message).
        var texts = [String?](repeating: nil, count: Self.textKeys.count)
        for (key, value) in fields.pairs {
            guard let slot = Self.textKeys.firstIndex(of: key) else { continue }
            switch value {
            case .null: continue
            case .string(let s): texts[slot] = s
            case .number(let n): texts[slot] = Self.text(n)
            case .bool(let b): texts[slot] = b ? "true" : "false"
            case let other:
                return malformed("schema: \(key) is \(Self.article(other.typeName))",
                                 "[schema] \(key) gave \(Self.article(other.typeName)), not a string or a number")
            }
        }
        func text(_ key: TextKey) -> String? { texts[key.rawValue] }
        var createdAt = m.timestampMs
        switch fields["created_at"] {
        case nil, .null?: break
        case .number(let n)?: createdAt = Self.epochMs(n) ?? m.timestampMs
        case .string(let s)?:
            if let n = Double(s) {
                createdAt = Self.epochMs(n) ?? m.timestampMs
            } else if let t = Timestamps.parseISO8601(s) {
                createdAt = t
            } else {
                return malformed("schema: created_at is not a time", "[schema] created_at gave '\(s)', neither epoch seconds or milliseconds nor ISO 8601")
            }
        case let other?:
            return malformed("schema: created_at is \(Self.article(other.typeName))", "[schema] created_at gave \(Self.article(other.typeName))")
        }
        let title = text(.title).flatMap { NotificationDecoder.isBlank($0) ? nil : $0 }
        let body = text(.body).flatMap { NotificationDecoder.isBlank($0) ? nil : $0 }
        guard let shown = title ?? body else {
            return malformed("no title or body", "the [schema] title and body gave nothing to show")
        }
        let kind = text(.kind).flatMap { Kind.isValidName($0) ? Kind(rawValue: $0) : nil } ?? m.topicKind ?? Kind(rawValue: "unknown")
        let id = text(.id).flatMap { $0.isEmpty ? nil : $0 } ?? source.fallbackID
        var extra: [ExtraField] = []
        switch fields["actions"] {
        case nil, .null?: break
        case .nested("array", let json)?: extra.append(ExtraField(key: NotificationAction.field, value: json, isJSON: true))
        case let other?:
            return malformed("schema: actions is \(Self.article(other.typeName))",
                             "[schema] actions gave \(Self.article(other.typeName)), not an array of {id, label, url}")
        }
        return .notification(InboxCore.Notification(
            id: id, kind: kind, user: user, title: shown, body: title == nil ? nil : body, actor: text(.actor), url: text(.url),
            createdAtMs: createdAt, objectType: text(.objectType), objectID: text(.objectID), extra: extra, source: source))
    }

    /// The keys whose values become text, in slot order.
    enum TextKey: Int { case id, kind, title, body, actor, url, objectType, objectID }
    static let textKeys = ["id", "kind", "title", "body", "actor", "url", "object_type", "object_id"]

    /// A number as an id or a title shows it: integers without a fraction.
    static func text(_ n: Double) -> String {
        if n.rounded() == n && abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }

    /// Epoch seconds (below 10^11, i.e. before year 5138) or milliseconds, to milliseconds.
    /// nil for values that are no time (the Kafka timestamp is used then).
    static func epochMs(_ n: Double) -> Int64? {
        let ms = abs(n) < 1e11 ? n * 1000 : n
        guard ms.isFinite, abs(ms) < 8.64e15 else { return nil }
        return Int64(ms)
    }

    static func article(_ type: String) -> String {
        type == "object" || type == "array" ? "an \(type)" : "a \(type)"
    }
}
