/// Builds compact, one-line JSON text into a byte buffer.
///
/// Strings are escaped so the output is always valid JSON on a single line: `"` and `\`,
/// every control character (`\n` `\t` `\r` `\b` `\f`, else `\u00XX`), DEL and the C1
/// controls, U+2028/U+2029, and the bidi controls (as `\uXXXX`, so the text is also
/// harmless when shown in a terminal). Commas are inserted automatically:
///
/// ```swift
/// var w = JSONWriter()
/// w.beginObject()
/// w.field("id", "01J…")
/// w.key("source"); w.beginObject(); w.field("partition", 0); w.endObject()
/// w.endObject()
/// let text = w.text
/// ```
/// Every `key` must be followed by exactly one value.
public struct JSONWriter: Sendable {
    /// Written bytes are `storage[..<length]`; the rest is room, kept zero-filled so that
    /// every write goes through a pointer (one capacity and uniqueness check per value, not
    /// per byte).
    private var storage: [UInt8]
    private var length = 0
    /// Whether a value came before (the next one needs a comma); for JSONWriter+Literals.swift.
    var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) { storage = [UInt8](repeating: 0, count: max(16, capacity)) }

    /// The UTF-8 bytes written so far.
    public var bytes: [UInt8] { Array(storage[..<length]) }

    /// How many bytes are written.
    public var count: Int { length }

    /// Calls `body` with the bytes written so far, in place.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
    }

    /// The JSON written so far, as a string.
    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Writes at most `max` bytes through `body`, which returns how many it wrote.
    @inline(__always)
    mutating func write(max: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if storage.count - length < max { grow(length + max) }
        let at = length
        length += storage.withUnsafeMutableBufferPointer { body($0.baseAddress! + at) }
    }

    private mutating func grow(_ needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: Swift.max(needed, storage.count * 2) - storage.count))
    }

    /// One punctuation byte, after a comma when a value came before.
    @inline(__always)
    private mutating func punctuation(_ b: UInt8, comma: Bool) {
        write(max: 2) { p in
            var n = 0
            if comma { p[0] = 0x2C; n = 1 }
            p[n] = b
            return n + 1
        }
    }

    /// Starts an object (as a value).
    @inline(__always)
    public mutating func beginObject() { punctuation(0x7B, comma: needsComma); needsComma = false }
    /// Ends the current object.
    @inline(__always)
    public mutating func endObject() { punctuation(0x7D, comma: false); needsComma = true }
    /// Starts an array (as a value).
    @inline(__always)
    public mutating func beginArray() { punctuation(0x5B, comma: needsComma); needsComma = false }
    /// Ends the current array.
    @inline(__always)
    public mutating func endArray() { punctuation(0x5D, comma: false); needsComma = true }

    /// Writes an object key; a value must follow.
    @inline(__always)
    public mutating func key(_ name: String) {
        let comma = needsComma
        name.withUTF8Bytes { utf8 in
            write(max: Self.quotedMax(utf8.count) + 2) { Self.writeKey(utf8, comma: comma, to: $0) }
        }
        needsComma = false
    }

    /// Writes `,"key":` (the comma when asked) at `p`; returns how many bytes.
    @inline(__always)
    private static func writeKey(_ name: UnsafeBufferPointer<UInt8>, comma: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if comma { p[0] = 0x2C; n = 1 }
        n += quote(name, to: p + n)
        p[n] = 0x3A
        return n + 1
    }

    /// Writes `"key":` and a value of at most `max` bytes written by `value`, in one go.
    @inline(__always)
    private mutating func member(_ name: String, max: Int, _ value: (UnsafeMutablePointer<UInt8>) -> Int) {
        let comma = needsComma
        name.withUTF8Bytes { utf8 in
            write(max: Self.quotedMax(utf8.count) + 2 + max) { p in
                let n = Self.writeKey(utf8, comma: comma, to: p)
                return n + value(p + n)
            }
        }
        needsComma = true
    }

    /// Writes `text` at `p`; returns how many bytes.
    @inline(__always)
    static func writeLiteral(_ text: StaticString, to p: UnsafeMutablePointer<UInt8>) -> Int {
        copy(text.utf8Start, text.utf8CodeUnitCount, to: p)
        return text.utf8CodeUnitCount
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        value.withUTF8Bytes { string(utf8: $0) }
    }

    /// Writes a string value given as valid UTF-8 bytes (read in place, no String made).
    @inline(__always)
    public mutating func string(utf8 value: UnsafeBufferPointer<UInt8>) {
        let comma = needsComma
        write(max: Self.quotedMax(value.count) + 1) { p in
            var n = 0
            if comma { p[0] = 0x2C; n = 1 }
            return n + Self.quote(value, to: p + n)
        }
        needsComma = true
    }

    /// Writes `ms` as an ISO 8601 string (`Timestamps.iso8601(ms:)`).
    public mutating func iso8601(ms: Int64) {
        let comma = needsComma
        write(max: Timestamps.iso8601MaxBytes + 3) { p in
            var n = 0
            if comma { p[0] = 0x2C; n = 1 }
            p[n] = 0x22
            n += 1 + Timestamps.writeISO8601(ms: ms, to: p + n + 1)
            p[n] = 0x22
            return n + 1
        }
        needsComma = true
    }

    /// Ends a line of JSON lines: a newline, after which a new value starts (no comma).
    public mutating func endLine() {
        punctuation(0x0A, comma: false)
        needsComma = false
    }

    /// Forgets what was written (keeping the room), to reuse the writer.
    public mutating func removeAll() {
        length = 0
        needsComma = false
    }

    /// Writes an integer value.
    public mutating func int<T: BinaryInteger>(_ value: T) {
        valueStart()
        write(max: 20) { Self.writeInteger(Int64(clamping: value), to: $0) }
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    /// Writes `null`.
    @inline(__always)
    public mutating func null() {
        literal("null")
    }

    @inline(__always)
    private mutating func literal(_ text: StaticString) {
        let comma = needsComma
        write(max: text.utf8CodeUnitCount + 1) { p in
            var n = 0
            if comma { p[0] = 0x2C; n = 1 }
            (p + n).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            return n + text.utf8CodeUnitCount
        }
        needsComma = true
    }

    /// Writes JSON text as is. The caller guarantees it is one valid JSON value.
    public mutating func raw(_ json: String) {
        valueStart()
        json.withUTF8Bytes { utf8 in
            write(max: utf8.count) { p in
                if utf8.count > 0 { p.update(from: utf8.baseAddress!, count: utf8.count) }
                return utf8.count
            }
        }
        needsComma = true
    }

    /// Writes `"key": value`, or nothing when `value` is nil.
    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        value.withUTF8Bytes { fieldOrNull(name, utf8: $0) }
    }

    /// Writes `"key": value`, or `"key": null` when `value` is nil.
    public mutating func fieldOrNull(_ name: String, _ value: String?) {
        guard let value else { return fieldOrNull(name, utf8: nil) }
        value.withUTF8Bytes { fieldOrNull(name, utf8: $0) }
    }

    /// Writes `"key": value` from valid UTF-8 bytes, or `"key": null` when `value` is nil.
    @inline(__always)
    public mutating func fieldOrNull(_ name: String, utf8 value: UnsafeBufferPointer<UInt8>?) {
        if let value {
            member(name, max: Self.quotedMax(value.count)) { Self.quote(value, to: $0) }
        } else {
            member(name, max: 4) { Self.writeLiteral("null", to: $0) }
        }
    }

    /// Writes `"key": value` for an integer.
    @inline(__always)
    public mutating func field<T: BinaryInteger>(_ name: String, _ value: T) {
        member(name, max: 20) { Self.writeInteger(Int64(clamping: value), to: $0) }
    }

    /// Writes `"key": true|false`.
    @inline(__always)
    public mutating func field(_ name: String, _ value: Bool) {
        member(name, max: 5) { Self.writeLiteral(value ? "true" : "false", to: $0) }
    }

    /// `value` as a quoted, escaped JSON string.
    public static func quoted(_ value: String) -> String {
        var out: [UInt8] = []
        appendQuoted(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private mutating func valueStart() {
        if needsComma { punctuation(0x2C, comma: false) }
    }
}
