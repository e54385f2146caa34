/// Typed reads on top of the tokenizer, shared by the decoders.
extension JSONScanner {
    /// Reads any value as text: a string's content, a number's digits, `true`/`false`,
    /// an object or array as compact JSON; nil for `null`.
    mutating func textValue(depth: Int) throws(JSONScanError) -> String? {
        switch try valueKind() {
        case .string: return string(try scanString())
        case .number: return text(try scanNumber())
        case .null:
            _ = try scanLiteral()
            return nil
        case .bool:
            let first = buf[pos]
            _ = try scanLiteral()
            return first == 0x74 ? "true" : "false"
        case .object, .array:
            return try compactValue(depth: depth)
        }
    }

    /// Reads any value as an `ExtraField`: strings as their content, others as compact JSON.
    mutating func extraField(key: String, depth: Int) throws(JSONScanError) -> ExtraField {
        if try valueKind() == .string {
            return ExtraField(key: key, value: string(try scanString()))
        }
        return ExtraField(key: key, value: try compactValue(depth: depth), isJSON: true)
    }

    /// Reads a value that should be an integer (a number without fraction or exponent,
    /// or a string of digits). Returns nil, having consumed the value, for anything else.
    mutating func integerValue(depth: Int) throws(JSONScanError) -> Int64? {
        switch try valueKind() {
        case .number:
            let r = try scanNumber()
            return Self.parseInteger(UnsafeBufferPointer(rebasing: buf[r]))
        case .string:
            let span = try scanString()
            if span.hasEscapes { return Int64(string(span)) }
            return Self.parseInteger(UnsafeBufferPointer(rebasing: buf[span.start..<span.end]))
        default:
            try skipValue(depth: depth)
            return nil
        }
    }

    /// A time stamp in milliseconds: an ISO 8601 string, or an epoch number (or a string of
    /// one) in seconds or milliseconds (told apart by magnitude). Nil, having consumed the value, when it is
    /// neither; `original` is then the value's text (for keeping it as an extra field).
    mutating func timestampValue(depth: Int, original: inout String?) throws(JSONScanError) -> Int64? {
        switch try valueKind() {
        case .string:
            let span = try scanString()
            let ms: Int64?
            if span.hasEscapes {
                ms = Timestamps.parseISO8601(string(span))
            } else {
                ms = Timestamps.parseISO8601(bytes: UnsafeBufferPointer(rebasing: buf[span.start..<span.end]))
            }
            if let ms { return ms }
            if !span.hasEscapes, span.count > 0, span.count <= 19,
               let ms = Self.epochMs(UnsafeBufferPointer(rebasing: buf[span.start..<span.end])) {
                return ms  // an epoch number sent as a string
            }
            original = string(span)
            return nil
        case .number:
            let r = try scanNumber()
            if let ms = Self.epochMs(UnsafeBufferPointer(rebasing: buf[r])) { return ms }
            original = text(r)
            return nil
        case .null:
            _ = try scanLiteral()
            return nil
        default:
            original = try compactValue(depth: depth)
            return nil
        }
    }

    /// Digits with an optional minus sign, within Int64; else nil.
    static func parseInteger(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !b.isEmpty else { return nil }
        let negative = b[0] == 0x2D
        var i = negative ? 1 : 0
        guard i < b.count, b.count - i <= 18 else {
            return Int64(String(decoding: b, as: UTF8.self))
        }
        var v: Int64 = 0
        while i < b.count {
            let c = b[i]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int64(c - 0x30)
            i += 1
        }
        return negative ? -v : v
    }

    /// Epoch seconds (below 10^11 in magnitude) or milliseconds, as milliseconds.
    static func epochMs(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let secondsLimit: Int64 = 100_000_000_000
        if let v = parseInteger(b) {
            if v.magnitude < secondsLimit.magnitude { return v * 1000 }
            return v
        }
        guard let d = Double(String(decoding: b, as: UTF8.self)), d.isFinite else { return nil }
        let ms = d.magnitude < Double(secondsLimit) ? d * 1000 : d
        guard ms.magnitude < 8.64e15 else { return nil }
        return Int64(ms.rounded())
    }
}

extension JSONScanner {
    /// Whether `text` is exactly one valid JSON value (whitespace around it allowed).
    static func isValidJSON(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var s = JSONScanner(bytes)
            s.skipWhitespace()
            do throws(JSONScanError) {
                try s.skipValue(depth: 1)
            } catch {
                return false
            }
            s.skipWhitespace()
            return s.atEnd
        }
    }
}

extension JSONWriter {
    /// Writes extra fields as members of the current object: JSON values (`isJSON`) as
    /// JSON when they are valid, else as strings. Keys already in `written` are skipped
    /// (the first occurrence wins), so the object never holds a key twice.
    mutating func members(_ extra: [ExtraField], written: inout Set<String>) {
        for field in extra where written.insert(field.key).inserted {
            key(field.key)
            if field.isJSON, JSONScanner.isValidJSON(field.value) {
                raw(field.value)
            } else {
                string(field.value)
            }
        }
    }
}

/// String tokens.
extension JSONScanner {
    /// Scans a string token; the current byte must be `"`.
    ///
    /// Eight bytes at a time while none of them is a quote or a backslash (most of a
    /// message's bytes are plain string contents), then byte by byte up to the next one.
    mutating func scanString() throws(JSONScanError) -> JSONStringSpan {
        try expect(0x22)
        let start = pos
        var escapes = false
        var bits: UInt64 = 0
        while true {
            if let base = buf.baseAddress {
                while buf.count - pos >= 8 {
                    let w = UInt64(littleEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
                    if Self.hasByte(w, 0x22) || Self.hasByte(w, 0x5C) { break }
                    bits |= w
                    pos += 8
                }
            }
            guard pos < buf.count else { break }
            let b = buf[pos]
            bits |= UInt64(b)
            if b == 0x22 {
                pos += 1
                return JSONStringSpan(start: start, end: pos - 1, hasEscapes: escapes, hasNonASCII: bits & Self.highBits != 0)
            }
            if b == 0x5C {
                escapes = true
                pos += 1
                guard pos < buf.count else { break }
                switch buf[pos] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: pos += 1
                case 0x75:
                    pos += 1
                    for _ in 0..<4 {
                        guard pos < buf.count else { throw failure() }
                        guard hexValue(buf[pos]) != nil else { throw failure() }
                        pos += 1
                    }
                default: throw failure()
                }
                continue
            }
            pos += 1
        }
        throw failure()
    }

    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether one of the eight bytes of `w` is `byte` (a zero byte of `w ^ byte…`, exactly).
    @inline(__always)
    private static func hasByte(_ w: UInt64, _ byte: UInt8) -> Bool {
        let x = w ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & highBits != 0
    }
}
