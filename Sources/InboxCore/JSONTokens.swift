/// Token types and byte helpers shared by `JSONScanner`, `JSONWriter` and the codecs.

/// Why a byte buffer could not be scanned as JSON.
enum JSONScanError: Error, Equatable, Sendable {
    /// The input ended inside a value.
    case unexpectedEnd(at: Int)
    /// A byte that cannot appear here.
    case unexpectedByte(UInt8, at: Int)
    /// Arrays and objects nested deeper than `JSONScanner.maxDepth`.
    case tooDeep

    /// A short human description.
    var description: String {
        switch self {
        case .unexpectedEnd(let at): return "unexpected end at byte \(at)"
        case .unexpectedByte(let b, let at): return "unexpected byte 0x\(hexByte(b)) at byte \(at)"
        case .tooDeep: return "nested deeper than \(JSONScanner.maxDepth) levels"
        }
    }
}

/// The content of a JSON string token: byte positions between the quotes.
struct JSONStringSpan: Sendable {
    var start: Int
    var end: Int
    /// Whether the content holds a backslash escape (so it cannot be copied as is).
    var hasEscapes: Bool
    /// Whether the content holds a byte ≥ 0x80 (so it must be checked as UTF-8).
    var hasNonASCII = false
    var count: Int { end - start }
    /// Plain ASCII without escapes: the bytes are the text, as they are.
    var isPlainASCII: Bool { !hasEscapes && !hasNonASCII }
}

/// The kind of JSON value that starts at a position.
enum JSONValueKind: Sendable {
    case string, number, object, array, bool, null

    /// A noun for messages ("a number").
    var noun: String {
        switch self {
        case .string: return "a string"
        case .number: return "a number"
        case .object: return "an object"
        case .array: return "an array"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// Where `JSONScanner.value` copies compact JSON text to (or nothing, when disabled).
struct JSONCompactSink {
    let enabled: Bool
    var bytes: [UInt8] = []

    mutating func append(_ b: UInt8) { if enabled { bytes.append(b) } }
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: return b - 0x30
    case 0x41...0x46: return b - 0x41 + 10
    case 0x61...0x66: return b - 0x61 + 10
    default: return nil
    }
}

/// Two lower-case hex digits.
func hexByte(_ b: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
    return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
}

/// Appends the UTF-8 encoding of a scalar value (must not be a surrogate).
func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    switch v {
    case 0..<0x80:
        out.append(UInt8(v))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (v >> 6)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (v >> 12)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (v >> 18)))
        out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    }
}
