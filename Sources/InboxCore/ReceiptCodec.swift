/// Encodes and decodes the events on the receipts topic: key = `Receipt.subject` (the
/// notification id for a state), value = the event's JSON.
///
/// The value is one JSON object with the keys `type`, `receipt_id`, `notification_id`,
/// `user`, `kind`, `at`, `client` and `source {topic, partition, offset}`, in that order,
/// nil fields left out; then `until` (ISO 8601) for `snoozed`, `action` for `action`,
/// `mute_id` with one of `thread` (`TYPE:ID`), `actor`, `kind` or `filter` and `until` for
/// `mute`, `mute_id` for `unmute`, and `rule` when a config rule made it.
public enum ReceiptCodec {
    /// The message value for `receipt`.
    public static func encode(_ receipt: Receipt) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("type", receipt.type.rawValue)
        w.field("receipt_id", receipt.receiptID)
        w.field("notification_id", receipt.notificationID)
        w.field("user", receipt.user)
        w.field("kind", receipt.kind)
        w.field("at", receipt.at)
        w.field("client", receipt.client)
        if let source = receipt.source {
            w.key("source")
            w.beginObject()
            w.field("topic", source.topic)
            w.field("partition", source.partition)
            w.field("offset", source.offset)
            w.endObject()
        }
        if receipt.type == .snoozed { w.field("until", receipt.untilMs.map { Timestamps.iso8601(ms: $0) }) }
        w.field("action", receipt.action)
        if let mute = receipt.mute {
            w.field("mute_id", mute.id)
            if let scope = mute.scope {
                w.field("scope", scope.name)
                w.field(scope.name == "kind" ? "muted_kind" : scope.name, scope.value)
                w.field("until", mute.untilMs.map { Timestamps.iso8601(ms: $0) })
            }
        }
        w.field("rule", receipt.rule)
        w.endObject()
        return w.bytes
    }

    /// The message key for `receipt` on a receipts topic of `layout` (`TopicLayout.receiptKey`).
    public static func key(_ receipt: Receipt, layout: TopicLayout) -> [UInt8] {
        layout.receiptKey(user: receipt.user, subject: receipt.subject)
    }

    /// Decodes a receipt value held in an array. See `decode(_:)` for the rules.
    public static func decode(_ bytes: [UInt8]) -> Receipt? {
        bytes.withUnsafeBytes { decode($0) }
    }

    /// Decodes a receipt value tolerantly: unknown fields are ignored, ids may be numbers,
    /// missing `receipt_id`, `user` or `at` become empty, `at` and `until` as epoch numbers
    /// are read as such (an `until` outside the years 0000–9999 is unreadable), and a
    /// `source` that is incomplete is left out. Returns nil when the value is not a JSON
    /// object, its `type` is not one of `ReceiptType` (any case), a state or an action has
    /// no `notification_id`, a `snoozed` has no readable `until`, an `action` no `action`, a
    /// `mute` no `mute_id` or scope, or an `unmute` no `mute_id`.
    public static func decode(_ value: UnsafeRawBufferPointer) -> Receipt? {
        let bytes = value.assumingMemoryBound(to: UInt8.self)
        guard bytes.count <= NotificationDecoder.maxValueBytes else { return nil }
        var s = JSONScanner(bytes)
        s.skipBOMAndWhitespace()
        var fields = Fields()
        do throws(JSONScanError) {
            try read(&s, into: &fields)
        } catch {
            return nil
        }
        s.skipWhitespace()
        guard s.atEnd, let typeName = fields.type,
              let type = ReceiptType(rawValue: typeName.lowercased()) else { return nil }
        let id = fields.notificationID ?? ""
        var mute: Mute?
        switch type {
        case .mute:
            guard let muteID = fields.muteID, !muteID.isEmpty, let name = fields.scope,
                  let value = fields.scopeValues[name], let scope = MuteScope(name: name, value: value) else { return nil }
            mute = Mute(id: muteID, scope: scope, untilMs: fields.untilMs)
        case .unmute:
            guard let muteID = fields.muteID, !muteID.isEmpty else { return nil }
            mute = Mute(id: muteID, scope: nil)
        case .snoozed:
            guard !id.isEmpty, fields.untilMs != nil else { return nil }
        case .action:
            guard !id.isEmpty, let a = fields.action, !a.isEmpty else { return nil }
        default:
            guard !id.isEmpty else { return nil }
        }
        return Receipt(type: type, receiptID: fields.receiptID ?? "", notificationID: id,
                       user: fields.user ?? "", kind: fields.kind, at: fields.at ?? "",
                       client: fields.client, source: fields.source,
                       untilMs: type == .snoozed ? fields.untilMs : nil, action: type == .action ? fields.action : nil,
                       mute: mute, rule: fields.rule)
    }

    private struct Fields {
        var type: String?
        var receiptID: String?
        var notificationID: String?
        var user: String?
        var kind: String?
        var at: String?
        var client: String?
        var source: SourcePosition?
        var untilMs: Int64?
        var action: String?
        var muteID: String?
        var scope: String?
        var scopeValues: [String: String] = [:]
        var rule: String?
    }

    /// The members a receipt may have.
    private enum Member {
        case type, receiptID, notificationID, user, kind, client, at, source, until, action, muteID, scope
        case thread, actor, filter, mutedKind, rule, other
    }

    private static let members: [(name: StaticString, member: Member)] = [
        ("type", .type), ("receipt_id", .receiptID), ("notification_id", .notificationID), ("user", .user),
        ("kind", .kind), ("client", .client), ("at", .at), ("source", .source), ("until", .until),
        ("action", .action), ("mute_id", .muteID), ("scope", .scope), ("thread", .thread), ("actor", .actor),
        ("filter", .filter), ("muted_kind", .mutedKind), ("rule", .rule),
    ]

    /// Which member `key` names, compared as bytes (no String made unless it has escapes).
    private static func member(_ s: JSONScanner, _ key: JSONStringSpan) -> Member {
        if key.hasEscapes {
            let text = s.string(key)
            return members.first { $0.name.description == text }?.member ?? .other
        }
        guard key.count > 0 else { return .other }
        // Length and first byte before the comparison: most members are ruled out by them.
        let first = s.buf[key.start]
        for m in members where m.name.utf8CodeUnitCount == key.count && m.name.utf8Start.pointee == first && s.equals(key, m.name) {
            return m.member
        }
        return .other
    }

    private static func read(_ s: inout JSONScanner, into f: inout Fields) throws(JSONScanError) {
        try JSONScanner.members(&s) { s, key throws(JSONScanError) in
            switch member(s, key) {
            case .type: f.type = try s.textValue(depth: 2)
            case .receiptID: f.receiptID = try s.textValue(depth: 2)
            case .notificationID: f.notificationID = try s.textValue(depth: 2)
            case .user: f.user = try s.textValue(depth: 2)
            case .kind: f.kind = try s.textValue(depth: 2)
            case .client: f.client = try s.textValue(depth: 2)
            case .at:
                if try s.valueKind() == .number {
                    let r = try s.scanNumber()
                    f.at = JSONScanner.epochMs(UnsafeBufferPointer(rebasing: s.buf[r])).map {
                        Timestamps.iso8601(ms: $0)
                    } ?? s.text(r)
                } else {
                    f.at = try s.textValue(depth: 2)
                }
            case .source: f.source = try readSource(&s)
            case .until: f.untilMs = try readTime(&s)
            case .action: f.action = try s.textValue(depth: 2)
            case .muteID: f.muteID = try s.textValue(depth: 2)
            case .scope: f.scope = try s.textValue(depth: 2)
            case .thread: f.scopeValues["thread"] = try s.textValue(depth: 2)
            case .actor: f.scopeValues["actor"] = try s.textValue(depth: 2)
            case .filter: f.scopeValues["filter"] = try s.textValue(depth: 2)
            case .mutedKind: f.scopeValues["kind"] = try s.textValue(depth: 2)
            case .rule: f.rule = try s.textValue(depth: 2)
            case .other: try s.skipValue(depth: 2)
            }
        }
    }

    /// An ISO 8601 string or an epoch number (seconds or milliseconds) as ms; nil otherwise,
    /// and nil for a time outside the years 0000–9999: `encode` writes `until` as ISO 8601,
    /// which could not be read back (a snooze would be lost, a timed mute made permanent).
    private static func readTime(_ s: inout JSONScanner) throws(JSONScanError) -> Int64? {
        let ms: Int64?
        if try s.valueKind() == .number {
            let r = try s.scanNumber()
            ms = JSONScanner.epochMs(UnsafeBufferPointer(rebasing: s.buf[r]))
        } else {
            ms = try s.textValue(depth: 2).flatMap { Timestamps.parseISO8601($0) }
        }
        return ms.flatMap { Timestamps.fourDigitYears.contains($0) ? $0 : nil }
    }

    private static func readSource(_ s: inout JSONScanner) throws(JSONScanError) -> SourcePosition? {
        guard s.peek == 0x7B else {
            try s.skipValue(depth: 2)
            return nil
        }
        var topic: String?
        var partition: Int64?
        var offset: Int64?
        try JSONScanner.members(&s) { s, key throws(JSONScanError) in
            if s.equals(key, "topic") {
                topic = try s.textValue(depth: 3)
            } else if s.equals(key, "partition") {
                partition = try s.integerValue(depth: 3)
            } else if s.equals(key, "offset") {
                offset = try s.integerValue(depth: 3)
            } else {
                try s.skipValue(depth: 3)
            }
        }
        guard let topic, let partition, let p32 = Int32(exactly: partition), let offset else { return nil }
        return SourcePosition(topic: topic, partition: p32, offset: offset)
    }
}
