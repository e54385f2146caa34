/// Shows arbitrary bytes as readable text, for the `raw` of a malformed message.
///
/// Printable ASCII stays as is, a backslash becomes `\\`, every other byte `\xNN` —
/// except well-formed UTF-8 sequences of non-control characters, which are kept so that
/// text in other scripts stays readable. The result is a valid string; format characters
/// such as bidi controls are left for `TerminalText.sanitize` to defuse at display.
public enum ByteEscaper {
    /// Escapes at most `limit` bytes of `bytes`; when more remain, ends with `…(+N bytes)`.
    /// A UTF-8 sequence that would cross the limit is left out whole.
    public static func escape(_ bytes: some Collection<UInt8>, limit: Int = 512) -> String {
        let total = bytes.count
        let head = Array(bytes.prefix(max(limit, 0)))
        var out: [UInt8] = []
        out.reserveCapacity(head.count + 16)
        var i = 0
        scan: while i < head.count {
            let b = head[i]
            switch b {
            case 0x5C:
                out.append(0x5C); out.append(0x5C)
                i += 1
            case 0x20...0x7E:
                out.append(b)
                i += 1
            case 0xC2...0xF4:
                let n = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                if i + n > head.count, head.count < total, validPrefix(head, from: i) {
                    break scan  // a character cut by the limit: leave it to the "+N bytes"
                }
                if i + n <= head.count, let v = decode(head, at: i, length: n), !(0x80...0x9F).contains(v) {
                    out.append(contentsOf: head[i..<(i + n)])
                    i += n
                } else {
                    appendHex(b, to: &out)
                    i += 1
                }
            default:
                appendHex(b, to: &out)
                i += 1
            }
        }
        if i < total { out.append(contentsOf: "…(+\(total - i) bytes)".utf8) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendHex(_ b: UInt8, to out: inout [UInt8]) {
        out.append(0x5C)
        out.append(0x78)
        out.append(contentsOf: hexByte(b).utf8)
    }

    /// The allowed range of the second byte after a lead byte (no overlongs, no surrogates).
    private static func secondRange(_ lead: UInt8) -> ClosedRange<UInt8> {
        switch lead {
        case 0xE0: return 0xA0...0xBF
        case 0xED: return 0x80...0x9F
        case 0xF0: return 0x90...0xBF
        case 0xF4: return 0x80...0x8F
        default: return 0x80...0xBF
        }
    }

    /// Whether the bytes from `i` to the end of `head` could start a valid sequence.
    private static func validPrefix(_ head: [UInt8], from i: Int) -> Bool {
        for k in (i + 1)..<head.count {
            let range = k == i + 1 ? secondRange(head[i]) : 0x80...0xBF
            if !range.contains(head[k]) { return false }
        }
        return true
    }

    /// The scalar value of a well-formed `length`-byte sequence at `i`, else nil.
    private static func decode(_ head: [UInt8], at i: Int, length n: Int) -> UInt32? {
        guard secondRange(head[i]).contains(head[i + 1]) else { return nil }
        var v = UInt32(head[i]) & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07)
        for k in 1..<n {
            let c = head[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            v = v << 6 | UInt32(c & 0x3F)
        }
        return v
    }
}
