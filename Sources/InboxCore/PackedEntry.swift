/// The layout of one packed notification entry, defined once: the optional string fields
/// in `PackedField` order, each as a LEB128 varint (0: absent, else length + 1) followed by
/// its UTF-8 bytes; then the number of extra fields and, for each, key, value (as above)
/// and a byte that is 1 when the value is JSON text. The writer, the reader (`unpack`) and
/// the search scan all walk `PackedField.allCases`, so the order lives only here.
enum PackedField: Int, CaseIterable {
    case id, user, title, body, actor, url, objectType, objectID, malformedReason, raw
}

/// Something that can be packed: its fields' bytes by `PackedField`, and its extras.
protocol PackedEntrySource {
    /// Calls `body` with the bytes of `field` (nil: absent).
    func withField<R>(_ field: PackedField, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R
    /// Fields outside the contract, in order.
    var extras: [ExtraField] { get }
}

enum PackedEntry {
    /// The size of the entry of `source`.
    @inline(__always)
    static func size<S: PackedEntrySource>(_ source: S) -> Int {
        var size = NotificationStore.varintSize(source.extras.count)
        for f in PackedField.allCases {
            size += source.withField(f) { b in b.map { NotificationStore.varintSize($0.count + 1) + $0.count } ?? 1 }
        }
        for e in source.extras { size += NotificationStore.size(e.key) + NotificationStore.size(e.value) + 1 }
        return size
    }

    /// Writes the entry of `source` at `base` (`size(source)` bytes of room).
    @inline(__always)
    static func write<S: PackedEntrySource>(_ source: S, to base: UnsafeMutablePointer<UInt8>) {
        var w = PackedWriter(base: base)
        for f in PackedField.allCases { source.withField(f) { w.write(bytes: $0) } }
        w.varint(UInt64(source.extras.count))
        for e in source.extras {
            w.write(e.key)
            w.write(e.value)
            w.byte(e.isJSON ? 1 : 0)
        }
    }

    /// The notification whose entry `r` is at, with the fields the inbox keeps elsewhere.
    static func unpack(_ r: inout PackedReader, kind: Kind, createdAtMs: Int64, source: SourcePosition) -> Notification {
        var s = [String?](repeating: nil, count: PackedField.allCases.count)
        for f in PackedField.allCases { s[f.rawValue] = r.string() }
        let extra = extras(&r)
        func at(_ f: PackedField) -> String? { s[f.rawValue] }
        return Notification(id: at(.id) ?? "", kind: kind, user: at(.user), title: at(.title) ?? "", body: at(.body),
                            actor: at(.actor), url: at(.url), createdAtMs: createdAtMs, objectType: at(.objectType),
                            objectID: at(.objectID), extra: extra, source: source, malformedReason: at(.malformedReason),
                            raw: at(.raw))
    }

    /// After the string fields of an entry: its extra fields, as Strings.
    static func extras(_ r: inout PackedReader) -> [ExtraField] {
        let extraCount = Int(r.varint())
        guard extraCount > 0 else { return [] }
        var extra: [ExtraField] = []
        extra.reserveCapacity(extraCount)
        for _ in 0..<extraCount {
            let key = r.string() ?? ""
            let value = r.string() ?? ""
            extra.append(ExtraField(key: key, value: value, isJSON: r.byte() == 1))
        }
        return extra
    }

    /// From the start of an entry: its string fields read in place, then its extra fields.
    static func fields(_ r: inout PackedReader) -> PackedFields {
        var f = PackedFields()
        for field in PackedField.allCases {
            let bytes = r.field()
            switch field {
            case .id: f.id = bytes
            case .user: f.user = bytes
            case .title: f.title = bytes
            case .body: f.body = bytes
            case .actor: f.actor = bytes
            case .url: f.url = bytes
            case .objectType: f.objectType = bytes
            case .objectID: f.objectID = bytes
            case .malformedReason: f.malformedReason = bytes
            case .raw: f.raw = bytes
            }
        }
        f.extras = extras(&r)
        return f
    }

    /// From the start of an entry: its title, actor and body (the searchable text).
    @inline(__always)
    static func searchFields(_ r: inout PackedReader) -> (title: UnsafeBufferPointer<UInt8>, actor: UnsafeBufferPointer<UInt8>?,
                                                         body: UnsafeBufferPointer<UInt8>?) {
        var title = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var actor: UnsafeBufferPointer<UInt8>?
        var body: UnsafeBufferPointer<UInt8>?
        for f in PackedField.allCases {
            let bytes = r.field()
            switch f {
            case .title: title = bytes ?? title
            case .actor: actor = bytes
            case .body: body = bytes
            default: break
            }
            if f == .actor { break }  // the last searchable field in the layout
        }
        return (title, actor, body)
    }
}

extension Notification: PackedEntrySource {
    @inline(__always)
    func withField<R>(_ field: PackedField, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let text: String?
        switch field {
        case .id: text = id
        case .user: text = user
        case .title: text = title
        case .body: text = self.body
        case .actor: text = actor
        case .url: text = url
        case .objectType: text = objectType
        case .objectID: text = objectID
        case .malformedReason: text = malformedReason
        case .raw: text = raw
        }
        guard let text else { return body(nil) }
        return text.withUTF8Bytes { body($0) }
    }

    var extras: [ExtraField] { extra }
}

/// A decoded message value as a packing source: plain fields are copied from the message's
/// bytes, the id falls back to `<topic>/<partition>/<offset>`.
struct DecodedEntry: PackedEntrySource {
    let decoded: DecodedNotification
    let fallbackID: String?

    @inline(__always)
    func withField<R>(_ field: PackedField, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let d = decoded
        let f = d.fields
        switch field {
        case .id:
            if let fallbackID { return fallbackID.withUTF8Bytes { body($0) } }
            return d.withBytes(d.id, body)
        case .user: return d.withBytes(f.user, body)
        case .title: return d.withBytes(d.title, body)
        case .body: return d.withBytes(f.body, body)
        case .actor: return d.withBytes(f.actor, body)
        case .url: return d.withBytes(f.url, body)
        case .objectType: return d.withBytes(f.objectType, body)
        case .objectID: return d.withBytes(f.objectID, body)
        case .malformedReason, .raw: return body(nil)
        }
    }

    var extras: [ExtraField] { decoded.fields.extra }
}

/// The fields of one packed entry read in place (`PackedEntry.fields`): valid only while
/// the store's bytes are, so used inside `NotificationStore.withEntry`.
struct PackedFields: PackedEntrySource {
    var id: UnsafeBufferPointer<UInt8>?
    var user: UnsafeBufferPointer<UInt8>?
    var title: UnsafeBufferPointer<UInt8>?
    var body: UnsafeBufferPointer<UInt8>?
    var actor: UnsafeBufferPointer<UInt8>?
    var url: UnsafeBufferPointer<UInt8>?
    var objectType: UnsafeBufferPointer<UInt8>?
    var objectID: UnsafeBufferPointer<UInt8>?
    var malformedReason: UnsafeBufferPointer<UInt8>?
    var raw: UnsafeBufferPointer<UInt8>?
    var extras: [ExtraField] = []

    @inline(__always)
    func withField<R>(_ field: PackedField, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch field {
        case .id: return body(id)
        case .user: return body(user)
        case .title: return body(title)
        case .body: return body(self.body)
        case .actor: return body(actor)
        case .url: return body(url)
        case .objectType: return body(objectType)
        case .objectID: return body(objectID)
        case .malformedReason: return body(malformedReason)
        case .raw: return body(raw)
        }
    }
}
