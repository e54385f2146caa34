/// A user's identity (any string: `alice`, `alice@corp.example`, `DOMAIN\alice`, `Zoë`) and
/// its topic-safe form, used for `{user}` in topic names and in local file names.
///
/// The safe form keeps the bytes Kafka allows in a topic name (`A-Z a-z 0-9 . _ -`) and
/// writes every other UTF-8 byte as `_x` and two upper-case hex digits; an `_` that is
/// followed by `x` and two upper-case hex digits is itself written `_x5F`, so `_xHH` in the
/// safe form always is an escape. The form is therefore injective (it can be decoded back:
/// two identities never share a topic), and a name that was already topic-safe is left as it
/// is unless it holds `_xHH` (per-user topics of plain user names keep their names). Examples: `alice@corp.example` →
/// `alice_x40corp.example`; `DOMAIN\alice` → `DOMAIN_x5Calice`; `Zoë` → `Zo_xC3_xAB`.
public enum Identity {
    /// The topic-safe form of `identity`.
    public static func topicSafe(_ identity: String) -> String {
        let bytes = Array(identity.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for (i, b) in bytes.enumerated() {
            let plain = isTopicByte(b) && !(b == 0x5F && startsEscape(bytes, at: i))
            if plain {
                out.append(b)
            } else {
                out += [0x5F, 0x78, hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The identity a safe form stands for (nil when `safe` is not a safe form).
    public static func decode(_ safe: String) -> String? {
        let bytes = Array(safe.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard isTopicByte(b) else { return nil }
            if b == 0x5F, startsEscape(bytes, at: i), let hi = hexValue(bytes[i + 2]), let lo = hexValue(bytes[i + 3]) {
                out.append(hi << 4 | lo)
                i += 4
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// The longest safe form: topic names built from it stay under Kafka's 249 bytes and
    /// the local file names under 255.
    public static let maxSafeLength = 150

    /// Whether `identity` can be a user at all: not empty, no control characters, and a
    /// safe form of at most `maxSafeLength` bytes.
    public static func isValid(_ identity: String) -> Bool {
        !identity.isEmpty && topicSafe(identity).utf8.count <= maxSafeLength
            && !identity.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }

    /// Whether `_x` and two upper-case hex digits start at `i`.
    private static func startsEscape(_ b: [UInt8], at i: Int) -> Bool {
        i + 3 < b.count && b[i] == 0x5F && b[i + 1] == 0x78 && hexValue(b[i + 2]) != nil && hexValue(b[i + 3]) != nil
    }

    private static func isTopicByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        default: return nil
        }
    }
}
