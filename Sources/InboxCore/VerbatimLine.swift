/// A `send --file` line that is already a complete notification in the contract's shape,
/// so it can be published as it is (as `kcat -P` would), without being decoded into a
/// `OutgoingNotification` and encoded again: the streaming fast path of `send --file`.
///
/// `check` accepts only what `OutgoingNotification.fromJSONLine` would read to the same
/// notification: one JSON object, valid UTF-8, each contract field at most once, a plain
/// `id`, a valid `kind`, a non-blank `title` string, `body`/`actor`/`url` strings or null,
/// `created_at` an ISO 8601 string. A missing `id`, `user` or `created_at` is filled in
/// (`prefix`). Anything else (epoch times, numbers as text, a missing title) returns nil,
/// and the line takes the full path, which normalises it or reports why it is bad.
public struct VerbatimLine {
    /// Where the line's `id` is (its bytes as they are: the message key), or nil when the
    /// id was generated (`generatedID`, in `prefix`).
    public var idRange: Range<Int>?
    /// The id made for a line without one.
    public var generatedID: String?
    /// Where the line's `kind` is (a valid name, as written: `Kind` lower-cases it).
    public var kindRange: Range<Int>
    /// Where the addressee is, when the line names one.
    public var userRange: Range<Int>?
    /// Members to insert after the line's `{` (the fields it lacks), or empty.
    public var prefix: [UInt8]

    /// The notification id (the message key) of `line`, the line this was checked from.
    public func id(in line: UnsafeBufferPointer<UInt8>) -> String {
        idRange.map { String(decoding: UnsafeBufferPointer(rebasing: line[$0]), as: UTF8.self) } ?? generatedID ?? ""
    }

    /// The kind (picks the topic).
    public func kind(in line: UnsafeBufferPointer<UInt8>) -> Kind {
        Kind(rawValue: String(decoding: UnsafeBufferPointer(rebasing: line[kindRange]), as: UTF8.self))
    }

    /// The addressee, when the line names one.
    public func user(in line: UnsafeBufferPointer<UInt8>) -> String? {
        userRange.map { String(decoding: UnsafeBufferPointer(rebasing: line[$0]), as: UTF8.self) }
    }

    private enum Field: UInt16 { case id = 1, kind = 2, user = 4, title = 8, body = 16, actor = 32, url = 64, createdAt = 128, escaped = 256 }

    /// The line as a verbatim notification, or nil when it needs the full path.
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>, defaultUser: String, nowMs: @autoclosure () -> Int64) -> VerbatimLine? {
        if !PackedEntry.isUTF8(bytes) { return nil }
        var s = JSONScanner(bytes)
        guard s.peek == 0x7B else { return nil }
        var seen: UInt16 = 0
        var id: Range<Int>?
        var kind: Range<Int>?
        var user: Range<Int>?
        do throws(JSONScanError) {
            var ok = true
            try JSONScanner.members(&s) { s, key throws(JSONScanError) in
                guard ok else { try s.skipValue(depth: 2); return }
                guard let field = field(s, key) else { try s.skipValue(depth: 2); return }
                if field == .escaped { ok = false; try s.skipValue(depth: 2); return }
                if seen & field.rawValue != 0 { ok = false; try s.skipValue(depth: 2); return }
                seen |= field.rawValue
                let found = try s.valueKind()
                switch field {
                case .body, .actor, .url:
                    if found == .null { _ = try s.scanLiteral(); return }
                    guard found == .string else { ok = false; try s.skipValue(depth: 2); return }
                    _ = try s.scanString()
                    return
                default: break
                }
                guard found == .string else { ok = false; try s.skipValue(depth: 2); return }
                let span = try s.scanString()
                let raw = UnsafeBufferPointer(rebasing: s.buf[span.start..<span.end])
                switch field {
                case .id, .kind, .user:
                    guard span.isPlainASCII, raw.contains(where: { !isSpace($0) }) else { ok = false; return }
                    let range = span.start..<span.end
                    if field == .id { id = range } else if field == .user { user = range } else if Kind.isValidName(bytes: raw) {
                        kind = range
                    } else { ok = false }
                case .title:
                    if span.isPlainASCII {
                        ok = raw.contains(where: { !isSpace($0) })
                    } else {
                        ok = !NotificationDecoder.isBlank(s.string(span))
                    }
                case .createdAt:
                    ok = !span.hasEscapes && Timestamps.parseISO8601(bytes: raw) != nil
                default: break
                }
            }
            s.skipWhitespace()
            guard ok, s.atEnd, let kind, seen & Field.title.rawValue != 0 else { return nil }
            let generated = id == nil ? IDGenerator.next() : nil
            // A line with every field (the usual case) makes no writer and no array.
            guard generated != nil || user == nil || seen & Field.createdAt.rawValue == 0 else {
                return VerbatimLine(idRange: id, generatedID: nil, kindRange: kind, userRange: user, prefix: [])
            }
            var prefix = JSONWriter(capacity: 0)
            if let generated { prefix.field("id", generated) }
            if user == nil { prefix.field("user", defaultUser) }
            if seen & Field.createdAt.rawValue == 0 { prefix.field("created_at", Timestamps.iso8601(ms: nowMs())) }
            return VerbatimLine(idRange: id, generatedID: generated, kindRange: kind, userRange: user, prefix: prefix.bytes)
        } catch {
            return nil
        }
    }

    /// Calls `body` with the message value: the line itself, or a copy with the missing
    /// fields after its `{`.
    public func withValue<R>(of line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if prefix.isEmpty { return body(UnsafeRawBufferPointer(line)) }
        return value(of: line).withUnsafeBytes(body)
    }

    /// The message value: the line, with the missing fields after its `{`.
    public func value(of line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if prefix.isEmpty { return Array(line) }
        var out: [UInt8] = []
        out.reserveCapacity(line.count + prefix.count + 1)
        out.append(0x7B)
        out += prefix
        // The line's own members follow after a comma, unless it has none (`{}` is no
        // notification, but `{ }` with only a prefix cannot reach here: a title is needed).
        out.append(0x2C)
        out += UnsafeBufferPointer(rebasing: line[1...])
        return out
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    private static func field(_ s: JSONScanner, _ k: JSONStringSpan) -> Field? {
        // A key written with escapes (`"\u0069d"`) takes the full path.
        if k.hasEscapes { return .escaped }
        switch NotificationDecoder.field(s, k) {
        case .id: return .id
        case .kind: return .kind
        case .user: return .user
        case .title: return .title
        case .body: return .body
        case .actor: return .actor
        case .url: return .url
        case .createdAt: return .createdAt
        case .object, .other: return nil
        }
    }
}
