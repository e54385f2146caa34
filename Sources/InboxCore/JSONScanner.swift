/// A small, tolerant, allocation-free JSON tokenizer over UTF-8 bytes.
///
/// It never recurses deeper than `maxDepth` and never reads outside its buffer.
/// Raw control characters inside strings are tolerated; everything else follows RFC 8259.
struct JSONScanner {
    /// The deepest nesting of arrays and objects accepted (the top-level value is level 1).
    static let maxDepth = 64

    let buf: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    var atEnd: Bool { pos >= buf.count }

    /// The byte at the current position, or nil at the end.
    var peek: UInt8? { pos < buf.count ? buf[pos] : nil }

    mutating func skipWhitespace() {
        while pos < buf.count {
            switch buf[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// Skips a UTF-8 byte order mark at the start, then whitespace.
    mutating func skipBOMAndWhitespace() {
        if buf.count >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF, pos == 0 { pos = 3 }
        skipWhitespace()
    }

    func failure() -> JSONScanError {
        pos < buf.count ? .unexpectedByte(buf[pos], at: pos) : .unexpectedEnd(at: pos)
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        if pos < buf.count, buf[pos] == byte { pos += 1; return true }
        return false
    }

    mutating func expect(_ byte: UInt8) throws(JSONScanError) {
        if !consume(byte) { throw failure() }
    }

    /// Reads an object (the current byte must be `{`) member by member: `body` gets each
    /// key with the scanner at its value, and must consume the value.
    @inline(__always)
    static func members(_ s: inout JSONScanner,
                        _ body: (inout JSONScanner, JSONStringSpan) throws(JSONScanError) -> Void) throws(JSONScanError) {
        try s.expect(0x7B)
        s.skipWhitespace()
        if s.consume(0x7D) { return }
        repeat {
            guard s.peek == 0x22 else { throw s.failure() }
            let key = try s.scanString()
            s.skipWhitespace()
            try s.expect(0x3A)
            s.skipWhitespace()
            try body(&s, key)
        } while try s.separator(close: 0x7D)
    }

    /// After a member or element: consumes `,` (true, more follow) or `close` (false).
    mutating func separator(close: UInt8) throws(JSONScanError) -> Bool {
        skipWhitespace()
        if consume(0x2C) { skipWhitespace(); return true }
        if consume(close) { return false }
        throw failure()
    }

    /// The kind of the value at the current position.
    func valueKind() throws(JSONScanError) -> JSONValueKind {
        guard let b = peek else { throw failure() }
        switch b {
        case 0x22: return .string
        case 0x7B: return .object
        case 0x5B: return .array
        case 0x74, 0x66: return .bool
        case 0x6E: return .null
        case 0x2D, 0x30...0x39: return .number
        default: throw failure()
        }
    }

    /// Scans a number token (RFC 8259 grammar) and returns its byte range.
    mutating func scanNumber() throws(JSONScanError) -> Range<Int> {
        let start = pos
        _ = consume(0x2D)
        if consume(0x30) {
        } else if let b = peek, b >= 0x31, b <= 0x39 {
            skipDigits()
        } else { throw failure() }
        if consume(0x2E) {
            guard let b = peek, b >= 0x30, b <= 0x39 else { throw failure() }
            skipDigits()
        }
        if let e = peek, e == 0x65 || e == 0x45 {
            pos += 1
            if let s = peek, s == 0x2B || s == 0x2D { pos += 1 }
            guard let b = peek, b >= 0x30, b <= 0x39 else { throw failure() }
            skipDigits()
        }
        return start..<pos
    }

    private mutating func skipDigits() {
        while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 { pos += 1 }
    }

    /// Scans `true`, `false` or `null`.
    mutating func scanLiteral() throws(JSONScanError) -> JSONValueKind {
        func matches(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard buf.count - pos >= n else { return false }
            let w = word.utf8Start
            for k in 0..<n where buf[pos + k] != w[k] { return false }
            return true
        }
        if matches("true") { pos += 4; return .bool }
        if matches("false") { pos += 5; return .bool }
        if matches("null") { pos += 4; return .null }
        throw failure()
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue(depth: Int) throws(JSONScanError) {
        var sink = JSONCompactSink(enabled: false)
        try value(depth: depth, into: &sink)
    }

    /// Scans one value and returns it as compact JSON text (strings re-escaped, so the
    /// text is valid JSON whatever the input held).
    mutating func compactValue(depth: Int) throws(JSONScanError) -> String {
        var sink = JSONCompactSink(enabled: true)
        try value(depth: depth, into: &sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Scans one value (recursion bounded by `maxDepth`), copying it compactly into `sink`.
    mutating func value(depth: Int, into sink: inout JSONCompactSink) throws(JSONScanError) {
        switch try valueKind() {
        case .string:
            let span = try scanString()
            if sink.enabled { JSONWriter.appendQuoted(string(span), to: &sink.bytes) }
        case .number:
            let r = try scanNumber()
            if sink.enabled { sink.bytes.append(contentsOf: buf[r]) }
        case .bool, .null:
            let start = pos
            _ = try scanLiteral()
            if sink.enabled { sink.bytes.append(contentsOf: buf[start..<pos]) }
        case .object:
            guard depth <= Self.maxDepth else { throw .tooDeep }
            pos += 1
            sink.append(0x7B)
            skipWhitespace()
            if !consume(0x7D) {
                var more = true
                var first = true
                while more {
                    if !first { sink.append(0x2C) }
                    first = false
                    guard peek == 0x22 else { throw failure() }
                    let key = try scanString()
                    if sink.enabled { JSONWriter.appendQuoted(string(key), to: &sink.bytes) }
                    skipWhitespace()
                    try expect(0x3A)
                    sink.append(0x3A)
                    skipWhitespace()
                    try value(depth: depth + 1, into: &sink)
                    more = try separator(close: 0x7D)
                }
            }
            sink.append(0x7D)
        case .array:
            guard depth <= Self.maxDepth else { throw .tooDeep }
            pos += 1
            sink.append(0x5B)
            skipWhitespace()
            if !consume(0x5D) {
                var more = true
                var first = true
                while more {
                    if !first { sink.append(0x2C) }
                    first = false
                    try value(depth: depth + 1, into: &sink)
                    more = try separator(close: 0x5D)
                }
            }
            sink.append(0x5D)
        }
    }

    /// Whether the string's content equals `word` byte for byte (after unescaping).
    @inline(__always)
    func equals(_ span: JSONStringSpan, _ word: StaticString) -> Bool {
        if span.hasEscapes { return string(span) == word.description }
        let n = word.utf8CodeUnitCount
        guard span.count == n, let base = buf.baseAddress else { return n == 0 && span.count == 0 }
        // Eight bytes at a time (keys are read for every member of every message).
        let a = UnsafeRawPointer(base + span.start)
        let b = UnsafeRawPointer(word.utf8Start)
        var k = 0
        while k + 8 <= n {
            if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
            k += 8
        }
        while k < n {
            if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
            k += 1
        }
        return true
    }

    /// The text of a number token.
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self)
    }

    /// The unescaped content of a string: `\uXXXX` escapes decoded (surrogate pairs joined,
    /// lone surrogates as U+FFFD), invalid UTF-8 replaced by U+FFFD.
    func string(_ span: JSONStringSpan) -> String {
        let raw = UnsafeBufferPointer(rebasing: buf[span.start..<span.end])
        if !span.hasEscapes { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == 0x5C, i + 1 < raw.count else { out.append(b); i += 1; continue }
            let e = raw[i + 1]
            i += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard let u = hex4(raw, at: i) else { out.append(e); continue }
                i += 4
                var scalar: UInt32 = u
                if (0xD800...0xDBFF).contains(u) {
                    if i + 5 < raw.count, raw[i] == 0x5C, raw[i + 1] == 0x75,
                       let low = hex4(raw, at: i + 2), (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(u) {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &out)
            default: out.append(e)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func hex4(_ raw: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt32? {
        guard i + 4 <= raw.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = hexValue(raw[i + k]) else { return nil }
            v = v << 4 | UInt32(h)
        }
        return v
    }
}
