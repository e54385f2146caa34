/// The escaping of `JSONWriter` (see its rules there), on bytes: written through pointers
/// into room made beforehand, printable ASCII copied eight bytes at a time.
extension JSONWriter {
    /// The most bytes `quote` writes for `count` bytes of text: every byte may become six
    /// (`\u00XX`; a 2-byte C1 control and a 3-byte U+20xx become six too), plus the quotes.
    @inline(__always)
    static func quotedMax(_ count: Int) -> Int { count * 6 + 2 }

    /// Appends `value` quoted and escaped.
    static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        value.withUTF8Bytes { utf8 in
            let start = out.count
            let room = quotedMax(utf8.count)
            out.append(contentsOf: repeatElement(0, count: room))
            let n = out.withUnsafeMutableBufferPointer { quote(utf8, to: $0.baseAddress! + start) }
            out.removeLast(room - n)
        }
    }

    /// Writes valid UTF-8 `s` quoted and escaped at `out` (room for `quotedMax(s.count)`
    /// bytes); returns how many bytes it wrote.
    @inline(__always)
    static func quote(_ s: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = 0x22
        let n = 1 + escape(s, to: out + 1)
        out[n] = 0x22
        return n + 1
    }

    /// Writes valid UTF-8 `s` escaped for the inside of a JSON string at `out` (room for
    /// six bytes per byte of `s`); returns how many bytes it wrote. Runs of printable ASCII
    /// are found eight bytes at a time and copied whole.
    static func escape(_ s: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if isPlain(s) {
            copy(s.baseAddress, s.count, to: out)
            return s.count
        }
        var o = 0
        var runStart = 0
        var i = 0
        let n = s.count
        // Bytes left to look at one by one (the word they are in needs a look).
        var look = 0
        @inline(__always) func flushRun(_ end: Int) {
            guard runStart < end else { return }
            copy(s.baseAddress! + runStart, end - runStart, to: out + o)
            o += end - runStart
        }
        while i < n {
            if look <= 0 {
                if n - i >= 8 {
                    if !needsLook(UnsafeRawPointer(s.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                        i += 8
                        continue
                    }
                    look = 8
                } else {
                    look = n - i
                }
            }
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
            if escape == 0 { i += 1; look -= 1; continue }
            flushRun(i)
            out[o] = 0x5C
            out[o + 1] = escape
            o += 2
            if escape == 0x75 {
                for shift in stride(from: 12, through: 0, by: -4) {
                    out[o] = hexDigit(Int((code >> UInt32(shift)) & 0xF))
                    o += 1
                }
            }
            i += width
            look -= width
            runStart = i
        }
        flushRun(n)
        return o
    }

    /// Copies `count` bytes from `source` to `target`: short runs (most strings of a line)
    /// by two overlapping words each way, not a call to `memmove`.
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>?, _ count: Int, to target: UnsafeMutablePointer<UInt8>) {
        guard count > 0, let source else { return }
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        switch count {
        case 8...16:
            let a = from.loadUnaligned(as: UInt64.self), b = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: count - 8, as: UInt64.self)
        case 17...32:
            let a = from.loadUnaligned(as: UInt64.self), b = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = from.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            let d = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: a, as: UInt64.self)
            to.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: c, toByteOffset: count - 16, as: UInt64.self)
            to.storeBytes(of: d, toByteOffset: count - 8, as: UInt64.self)
        case 1..<8:
            for k in 0..<count { target[k] = source[k] }
        default:
            target.update(from: source, count: count)
        }
    }

    /// Whether no byte of `s` may need escaping (`needsLook` over all of it): the common
    /// case, copied whole. A tail shorter than a word is looked at padded with spaces, or
    /// as the last word of `s` (overlapping bytes already looked at).
    @inline(__always)
    static func isPlain(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = s.count
        guard n > 0, let base = s.baseAddress else { return true }
        if n < 8 {
            var word: UInt64 = 0x2020_2020_2020_2020
            withUnsafeMutableBytes(of: &word) { $0.baseAddress!.copyMemory(from: base, byteCount: n) }
            return !needsLook(word)
        }
        var i = 0
        while n - i >= 8 {
            if needsLook(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { return false }
            i += 8
        }
        return i == n || !needsLook(UnsafeRawPointer(base + n - 8).loadUnaligned(as: UInt64.self))
    }

    /// Whether any of the eight bytes of `w` may need escaping: a control (< 0x20), `"`,
    /// `\`, DEL or any byte of a multi-byte character (≥ 0x80; most need nothing, but
    /// the C1 controls and some U+20xx do). Exact for the word: no byte is missed.
    @inline(__always)
    static func needsLook(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let control = (w &- ones &* 0x20) & ~w & highs
        return (control | hasZero(w ^ (ones &* 0x22)) | hasZero(w ^ (ones &* 0x5C)) | hasZero(w ^ (ones &* 0x7F)) | (w & highs)) != 0
    }

    /// U+2028/U+2029 (line breaks in JavaScript) and the bidi controls.
    private static func isEscapedFormat(_ v: UInt32) -> Bool {
        switch v {
        case 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    @inline(__always)
    private static func hexDigit(_ v: Int) -> UInt8 { UInt8(truncatingIfNeeded: v < 10 ? 0x30 + v : 0x57 + v) }

    /// Appends the decimal digits of `value`.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            let p = d.baseAddress!.assumingMemoryBound(to: UInt8.self)
            out.append(contentsOf: UnsafeBufferPointer(start: p, count: writeInteger(value, to: p)))
        }
    }

    /// Writes the decimal digits of `value` at `out` (room for 20 bytes); returns how many.
    @inline(__always)
    static func writeInteger(_ value: Int64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value == 0 { out[0] = 0x30; return 1 }
        var magnitude = value.magnitude
        var count = 0
        while magnitude > 0 {
            magnitude /= 10
            count += 1
        }
        if value < 0 { out[0] = 0x2D; count += 1 }
        magnitude = value.magnitude
        var k = count - 1
        while magnitude > 0 {
            out[k] = UInt8(magnitude % 10) + 0x30
            magnitude /= 10
            k -= 1
        }
        return count
    }
}
