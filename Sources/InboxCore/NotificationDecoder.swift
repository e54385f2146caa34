/// Decodes Kafka message values into notifications, tolerantly: only `title` or `body` is
/// needed; anything else becomes a malformed entry that is shown, never dropped.
///
/// A missing, null or blank `id` gives `source.fallbackID` (so blank ids never collide).
/// Every value gives exactly one `Notification`: a value that is not a notification
/// (empty, not JSON, not an object, trailing data, no title or body, a title that is not
/// a string, larger than `maxValueBytes`, nested deeper than 64 levels) becomes a
/// *malformed* entry carrying the reason and the escaped raw bytes. Nothing is dropped and
/// no input can crash the decoder. Strings are unescaped and invalid UTF-8 is replaced by
/// U+FFFD, but they are not sanitised for a terminal (that is `TerminalText`'s job).
///
/// The parser works on the UTF-8 bytes directly, without Foundation, for catch-up speed.
public enum NotificationDecoder {
    /// Values larger than this (1 MiB) are malformed entries ("too large").
    public static let maxValueBytes = 1 << 20
    /// How many raw bytes a malformed entry keeps (escaped).
    public static let rawLimit = 512

    /// Decodes one message value.
    /// - Parameters:
    ///   - value: the message value bytes.
    ///   - source: where the message was read from (gives the fallback id).
    ///   - timestampMs: the Kafka message timestamp, used when `created_at` is missing.
    ///   - topicKind: the kind of the topic, used when `kind` is missing.
    public static func decode(_ value: UnsafeRawBufferPointer, source: SourcePosition,
                              timestampMs: Int64, topicKind: Kind?) -> Notification {
        withDecoded(value, source: source, timestampMs: timestampMs, topicKind: topicKind) { outcome in
            switch outcome {
            case .malformed(let n): return n
            case .decoded(let d): return d.notification(source: source)
            }
        }
    }

    /// Decodes one message value straight into `batch`, packed (no Strings are
    /// made for plain ASCII fields; the inbox copies the entry's bytes as they are).
    public static func decode(_ value: UnsafeRawBufferPointer, source: SourcePosition, timestampMs: Int64,
                              topicKind: Kind?, into batch: inout PackedNotifications) {
        withDecoded(value, source: source, timestampMs: timestampMs, topicKind: topicKind) { outcome in
            switch outcome {
            case .malformed(let n): batch.append(n)
            case .decoded(let d): batch.append(d, source: source)
            }
        }
    }

    /// The malformed entry shown for `value`: `malformed: <summary>` as its title, the reason,
    /// and the raw bytes escaped and truncated.
    public static func malformedEntry(_ value: UnsafeRawBufferPointer, source: SourcePosition, timestampMs: Int64,
                                      kind: Kind?, summary: String, reason: String) -> Notification {
        Notification(id: source.fallbackID, kind: kind ?? Kind(rawValue: "unknown"), title: "malformed: " + summary,
                     createdAtMs: timestampMs, source: source, malformedReason: reason,
                     raw: ByteEscaper.escape(value.assumingMemoryBound(to: UInt8.self), limit: rawLimit))
    }

    /// Parses `value` and hands `body` either the malformed entry or the decoded fields
    /// (valid only inside `body`: they point into `value`).
    private static func withDecoded<R>(_ value: UnsafeRawBufferPointer, source: SourcePosition, timestampMs: Int64,
                                       topicKind: Kind?, _ body: (DecodeOutcome) -> R) -> R {
        let bytes = value.assumingMemoryBound(to: UInt8.self)
        func malformed(_ problem: DecodeProblem) -> R {
            body(.malformed(malformedEntry(value, source: source, timestampMs: timestampMs, kind: topicKind,
                                           summary: problem.summary, reason: problem.reason)))
        }
        if bytes.count > maxValueBytes { return malformed(.tooLarge(bytes.count)) }
        var s = JSONScanner(bytes)
        s.skipBOMAndWhitespace()
        if s.atEnd { return malformed(bytes.isEmpty ? .empty : .blank) }
        if s.peek != 0x7B { return malformed(classify(&s)) }
        var f = DecodedFields()
        do throws(JSONScanError) {
            try readObject(&s, into: &f)
        } catch .tooDeep {
            return malformed(.tooDeep)
        } catch {
            return malformed(.notJSON(error))
        }
        s.skipWhitespace()
        if !s.atEnd { return malformed(.trailing(at: s.pos)) }
        if let wrong = f.titleType { return malformed(.titleType(wrong)) }
        let d = DecodedNotification(buffer: bytes, fields: f, kind: f.kind ?? topicKind ?? Kind(rawValue: "unknown"),
                                    createdAtMs: Self.plausible(f.createdAtMs) ?? timestampMs)
        guard let title = d.resolvedTitle() else { return malformed(.noTitle) }
        var decoded = d
        decoded.title = title
        if let id = f.id, !decoded.isBlank(id) { decoded.id = id }
        return body(.decoded(decoded))
    }

    /// Decodes one message value held in an array.
    public static func decode(_ value: [UInt8], source: SourcePosition, timestampMs: Int64,
                              topicKind: Kind?) -> Notification {
        value.withUnsafeBytes { decode($0, source: source, timestampMs: timestampMs, topicKind: topicKind) }
    }

    /// The title to show: `title` unless blank, else the first non-blank line of `body`.
    static func resolvedTitle(_ title: String?, body: String?) -> String? {
        if let title, !isBlank(title) { return title }
        guard let body else { return nil }
        for line in body.split(whereSeparator: { $0.isNewline }) where !isBlank(line) {
            var t = line
            while let c = t.first, c.isWhitespace { t.removeFirst() }
            while let c = t.last, c.isWhitespace { t.removeLast() }
            return String(t)
        }
        return nil
    }

    public static func isBlank(_ s: some StringProtocol) -> Bool {
        // ASCII fast path: a printable ASCII byte decides at once (no Unicode property lookup).
        for b in s.utf8 {
            if b >= 0x80 { break }
            if b != 0x20 && !(0x09...0x0D).contains(b) { return false }
        }
        return s.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// Why a top-level value that does not start with `{` is not a notification.
    private static func classify(_ s: inout JSONScanner) -> DecodeProblem {
        let kind: JSONValueKind
        do throws(JSONScanError) {
            kind = try s.valueKind()
            try s.skipValue(depth: 1)
        } catch .tooDeep {
            return .tooDeep
        } catch {
            return .notJSON(error)
        }
        s.skipWhitespace()
        return s.atEnd ? .notObject(kind) : .notJSON(s.failure())
    }

    /// Which contract field a key names.
    /// Which contract field a key names (also `VerbatimLine`'s).
    enum Field { case id, kind, user, title, body, actor, url, createdAt, object, other }

    static func field(_ s: JSONScanner, _ k: JSONStringSpan) -> Field {
        if k.hasEscapes {
            switch s.string(k) {
            case "id": return .id
            case "kind": return .kind
            case "user": return .user
            case "title": return .title
            case "body": return .body
            case "actor": return .actor
            case "url": return .url
            case "created_at": return .createdAt
            case "object": return .object
            default: return .other
            }
        }
        // By length and first byte, then one comparison.
        let first = k.count > 0 ? s.buf[k.start] : 0
        switch k.count {
        case 2: if s.equals(k, "id") { return .id }
        case 3: if s.equals(k, "url") { return .url }
        case 4:
            switch first {
            case UInt8(ascii: "k"): if s.equals(k, "kind") { return .kind }
            case UInt8(ascii: "u"): if s.equals(k, "user") { return .user }
            case UInt8(ascii: "b"): if s.equals(k, "body") { return .body }
            default: break
            }
        case 5:
            switch first {
            case UInt8(ascii: "t"): if s.equals(k, "title") { return .title }
            case UInt8(ascii: "a"): if s.equals(k, "actor") { return .actor }
            default: break
            }
        case 6: if s.equals(k, "object") { return .object }
        case 10: if s.equals(k, "created_at") { return .createdAt }
        default: break
        }
        return .other
    }

    /// Reads the top-level object (the current byte is `{`) into `f`.
    private static func readObject(_ s: inout JSONScanner, into f: inout DecodedFields) throws(JSONScanError) {
        try JSONScanner.members(&s) { s, key throws(JSONScanError) in
            switch field(s, key) {
            case .id: f.id = try s.fieldText(depth: 2)
            case .user: f.user = try s.fieldText(depth: 2)
            case .body: f.body = try s.fieldText(depth: 2)
            case .actor: f.actor = try s.fieldText(depth: 2)
            case .url: f.url = try s.fieldText(depth: 2)
            case .kind: f.kind = try kindValue(&s)
            case .title:
                let kind = try s.valueKind()
                switch kind {
                case .string: f.title = s.fieldText(try s.scanString()); f.titleType = nil
                case .null: _ = try s.scanLiteral(); f.title = nil
                default: try s.skipValue(depth: 2); f.titleType = kind
                }
            case .createdAt:
                var original: String?
                f.createdAtMs = try s.timestampValue(depth: 2, original: &original)
                if let original { f.extra.append(ExtraField(key: "created_at", value: original)) }
            case .object:
                try readObjectRef(&s, into: &f)
            case .other:
                f.extra.append(try s.extraField(key: s.string(key), depth: 2))
            }
        }
    }

    /// Reads `object`: `{type, id}` into the fields, other members as `object.<key>` extras;
    /// a value that is not an object is kept as the extra field `object`.
    private static func readObjectRef(_ s: inout JSONScanner, into f: inout DecodedFields) throws(JSONScanError) {
        guard s.peek == 0x7B else {
            f.extra.append(try s.extraField(key: "object", depth: 2))
            return
        }
        try JSONScanner.members(&s) { s, key throws(JSONScanError) in
            if s.equals(key, "type") {
                f.objectType = try s.fieldText(depth: 3)
            } else if s.equals(key, "id") {
                f.objectID = try s.fieldText(depth: 3)
            } else {
                f.extra.append(try s.extraField(key: "object." + s.string(key), depth: 3))
            }
        }
    }

    /// A kind given as a string (standard kinds without allocating); nil when absent, blank or
    /// not a valid name (`Kind.isValidName`): the topic's kind is used then.
    private static func kindValue(_ s: inout JSONScanner) throws(JSONScanError) -> Kind? {
        guard try s.valueKind() == .string else {
            guard let text = try s.textValue(depth: 2), !text.isEmpty else { return nil }
            return Kind.isValidName(text) ? Kind(rawValue: text) : nil
        }
        let span = try s.scanString()
        if s.equals(span, "owner") { return .owner }
        if s.equals(span, "group") { return .group }
        if s.equals(span, "watching") { return .watching }
        let text = s.string(span)
        return Kind.isValidName(text) ? Kind(rawValue: text) : nil
    }

    /// Creation times more than ~270 years from 1970 are not times (and could overflow
    /// age arithmetic): the Kafka timestamp is used instead.
    static func plausible(_ ms: Int64?) -> Int64? {
        guard let ms, ms > -8_640_000_000_000_000 / 1000, ms < 8_640_000_000_000_000 / 1000 else { return nil }
        return ms
    }
}

/// The contract fields read from one object, before the title rule is applied.
struct DecodedFields {
    var id: FieldText?
    var kind: Kind?
    var user: FieldText?
    var title: FieldText?
    var titleType: JSONValueKind?
    var body: FieldText?
    var actor: FieldText?
    var url: FieldText?
    var createdAtMs: Int64?
    var objectType: FieldText?
    var objectID: FieldText?
    var extra: [ExtraField] = []
}

/// What `withDecoded` found: a malformed entry, or fields to build from.
enum DecodeOutcome {
    case malformed(Notification)
    case decoded(DecodedNotification)
}

/// Why a value is a malformed entry.
enum DecodeProblem: Sendable {
    case empty, blank, tooLarge(Int), notJSON(JSONScanError), notObject(JSONValueKind)
    case trailing(at: Int), tooDeep, noTitle, titleType(JSONValueKind)

    /// The short description shown as the title, after "malformed: ".
    var summary: String {
        switch self {
        case .empty, .blank: return "empty value"
        case .tooLarge(let n): return "too large (\(n) bytes)"
        case .notJSON: return "not JSON"
        case .notObject: return "not a JSON object"
        case .trailing: return "trailing data after JSON"
        case .tooDeep: return "nested too deep"
        case .noTitle: return "no title or body"
        case .titleType: return "title is not a string"
        }
    }

    /// The full reason, stored as `malformedReason`.
    var reason: String {
        switch self {
        case .empty: return "empty value"
        case .blank: return "empty value (only whitespace)"
        case .tooLarge(let n): return "too large (\(n) bytes; the limit is \(NotificationDecoder.maxValueBytes))"
        case .notJSON(let e): return "not JSON: \(e.description)"
        case .notObject(let k): return "not a JSON object: the value is \(k.noun)"
        case .trailing(let at): return "trailing data after the JSON object, at byte \(at)"
        case .tooDeep: return "nested too deep (more than \(JSONScanner.maxDepth) levels)"
        case .noTitle: return "no title or body"
        case .titleType(let k): return "title is \(k.noun), not a string"
        }
    }
}
