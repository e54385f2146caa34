/// A decoded string field: plain ASCII bytes of the message value, not copied yet, or text
/// that needed work (escapes, non-ASCII checked as UTF-8, a number or object as text).
enum FieldText {
    case ascii(Range<Int>)
    case text(String)
}

extension JSONScanner {
    /// Reads any value as a field: a plain ASCII string as its byte range, anything else as
    /// `textValue` reads it; nil for `null`.
    mutating func fieldText(depth: Int) throws(JSONScanError) -> FieldText? {
        guard try valueKind() == .string else { return try textValue(depth: depth).map(FieldText.text) }
        return fieldText(try scanString())
    }

    /// A string token as a field.
    func fieldText(_ span: JSONStringSpan) -> FieldText {
        span.isPlainASCII ? .ascii(span.start..<span.end) : .text(string(span))
    }
}

/// The fields of one decoded notification, pointing into the message value: built into a
/// `Notification` (Strings) or written into `PackedNotifications` (bytes) by the caller of
/// `NotificationDecoder`'s parse. Valid only while the value's bytes are.
struct DecodedNotification {
    let buffer: UnsafeBufferPointer<UInt8>
    let fields: DecodedFields
    let kind: Kind
    let createdAtMs: Int64
    /// The title to show (after the title rule); set by the decoder.
    var title: FieldText = .text("")
    /// The id when present and not blank (else the source's fallback id).
    var id: FieldText?

    init(buffer: UnsafeBufferPointer<UInt8>, fields: DecodedFields, kind: Kind, createdAtMs: Int64) {
        self.buffer = buffer
        self.fields = fields
        self.kind = kind
        self.createdAtMs = createdAtMs
    }

    /// The bytes of an ASCII field.
    @inline(__always)
    func bytes(_ r: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[r]) }

    /// A field as a String.
    func string(_ t: FieldText) -> String {
        switch t {
        case .ascii(let r): return String(decoding: bytes(r), as: UTF8.self)
        case .text(let s): return s
        }
    }

    func string(_ t: FieldText?) -> String? { t.map { string($0) } }

    /// Whether a field is empty or only whitespace.
    func isBlank(_ t: FieldText) -> Bool {
        switch t {
        case .ascii(let r): return bytes(r).allSatisfy { $0 == 0x20 || (0x09...0x0D).contains($0) }
        case .text(let s): return NotificationDecoder.isBlank(s)
        }
    }

    /// The title rule: `title` unless blank, else the first non-blank line of `body`.
    func resolvedTitle() -> FieldText? {
        if let t = fields.title, !isBlank(t) { return t }
        return NotificationDecoder.resolvedTitle(nil, body: string(fields.body)).map(FieldText.text)
    }

    /// The notification, its fields as Strings.
    func notification(source: SourcePosition) -> Notification {
        Notification(id: string(id) ?? source.fallbackID, kind: kind, user: string(fields.user), title: string(title),
                     body: string(fields.body), actor: string(fields.actor), url: string(fields.url),
                     createdAtMs: createdAtMs, objectType: string(fields.objectType), objectID: string(fields.objectID),
                     extra: fields.extra, source: source)
    }

    /// The bytes of a field, passed to `body` (for a String, its UTF-8).
    func withBytes<R>(_ t: FieldText?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch t {
        case nil: return body(nil)
        case .ascii(let r)?: return body(bytes(r))
        case .text(let s)?: return s.withUTF8Bytes { body($0) }
        }
    }
}
