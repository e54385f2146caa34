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
    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// The JSON written so far, as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Starts an object (as a value).
    public mutating func beginObject() { valueStart(); bytes.append(0x7B); needsComma = false }
    /// Ends the current object.
    public mutating func endObject() { bytes.append(0x7D); needsComma = true }
    /// Starts an array (as a value).
    public mutating func beginArray() { valueStart(); bytes.append(0x5B); needsComma = false }
    /// Ends the current array.
    public mutating func endArray() { bytes.append(0x5D); needsComma = true }

    /// Writes an object key; a value must follow.
    public mutating func key(_ name: String) {
        if needsComma { bytes.append(0x2C) }
        Self.appendQuoted(name, to: &bytes)
        bytes.append(0x3A)
        needsComma = false
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        valueStart()
        Self.appendQuoted(value, to: &bytes)
        needsComma = true
    }

    /// Writes an integer value.
    public mutating func int<T: BinaryInteger>(_ value: T) {
        valueStart()
        Self.appendInteger(Int64(clamping: value), to: &bytes)
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        valueStart()
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        valueStart()
        bytes.append(contentsOf: Self.nullBytes)
        needsComma = true
    }

    /// Writes JSON text as is. The caller guarantees it is one valid JSON value.
    public mutating func raw(_ json: String) {
        valueStart()
        bytes.append(contentsOf: json.utf8)
        needsComma = true
    }

    /// Writes `"key": value`, or nothing when `value` is nil.
    public mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// Writes `"key": value`, or `"key": null` when `value` is nil.
    public mutating func fieldOrNull(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    /// Writes `"key": value` for an integer.
    public mutating func field<T: BinaryInteger>(_ name: String, _ value: T) {
        key(name)
        int(value)
    }

    /// Writes `"key": true|false`.
    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// `value` as a quoted, escaped JSON string.
    public static func quoted(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 2)
        appendQuoted(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func valueStart() {
        if needsComma { bytes.append(0x2C) }
    }

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let nullBytes: [UInt8] = Array("null".utf8)

    /// Appends `value` quoted and escaped.
    static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        out.append(0x22)
        var value = value
        value.withUTF8 { appendEscaped($0, to: &out) }
        out.append(0x22)
    }

    /// Appends valid UTF-8 `s` escaped for the inside of a JSON string.
    static func appendEscaped(_ s: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        var i = 0
        let n = s.count
        while i < n {
            let b = s[i]
            var escape: UInt8 = 0
            var width = 1
            var code: UInt32 = 0
            switch b {
            case 0x22: escape = 0x22
            case 0x5C: escape = 0x5C
            case 0x0A: escape = 0x6E
            case 0x09: escape = 0x74
            case 0x0D: escape = 0x72
            case 0x08: escape = 0x62
            case 0x0C: escape = 0x66
            case 0x00...0x1F, 0x7F: escape = 0x75; code = UInt32(b)
            case 0xC2 where i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F:
                escape = 0x75; code = UInt32(s[i + 1]); width = 2
            case 0xE2 where i + 2 < n && (s[i + 1] == 0x80 || s[i + 1] == 0x81):
                let v = 0x2000 | UInt32(s[i + 1] & 0x3F) << 6 | UInt32(s[i + 2] & 0x3F)
                if isEscapedFormat(v) { escape = 0x75; code = v; width = 3 }
            default: break
            }
            if escape == 0 { i += 1; continue }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<i])) }
            out.append(0x5C)
            out.append(escape)
            if escape == 0x75 {
                for shift in stride(from: 12, through: 0, by: -4) {
                    out.append(hexDigits[Int((code >> UInt32(shift)) & 0xF)])
                }
            }
            i += width
            runStart = i
        }
        if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<n])) }
    }

    /// U+2028/U+2029 (line breaks in JavaScript) and the bidi controls.
    private static func isEscapedFormat(_ v: UInt32) -> Bool {
        switch v {
        case 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the decimal digits of `value`.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 { out.append(0x30); return }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while magnitude > 0 {
                d[count] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            }
            if value < 0 { out.append(0x2D) }
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(d[k]) }
        }
    }
}
