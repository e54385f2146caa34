/// A 64-bit summary of the searchable text of a notification (title, actor, body): one bit
/// per ASCII byte pair, case-folded, hashed into 64 bits (a Bloom filter of bigrams).
///
/// A text contains an ASCII query (case-insensitively) only if its signature has every bit
/// of the query's signature, so a search tests 8 bytes per row first and reads the text of
/// the few rows that pass. Bits are never wrong in that direction; a query that is not
/// ASCII or shorter than two bytes has an empty mask (every row passes).
public enum SearchSignature {
    /// The signature of a notification's searchable text.
    public static func of(title: String, actor: String?, body: String?) -> UInt64 {
        var bits = add(title, to: 0)
        if let actor { bits = add(actor, to: bits) }
        if let body { bits = add(body, to: bits) }
        return bits
    }

    /// The bits a text must have to contain `query` (ASCII case-insensitively); 0 when the
    /// query gives no such bits (not ASCII, or shorter than two bytes).
    public static func mask(query: String) -> UInt64 {
        var q = query
        return q.withUTF8 { b in
            guard b.count >= 2, b.allSatisfy({ $0 < 0x80 }) else { return 0 }
            return bigrams(b, into: 0)
        }
    }

    private static func add(_ text: String, to bits: UInt64) -> UInt64 {
        if let r = text.utf8.withContiguousStorageIfAvailable({ bigrams($0, into: bits) }) { return r }
        var copy = text
        return copy.withUTF8 { bigrams($0, into: bits) }
    }

    @inline(__always)
    private static func bigrams(_ b: UnsafeBufferPointer<UInt8>, into start: UInt64) -> UInt64 {
        var bits = start
        guard b.count >= 2 else { return bits }
        var prev = fold(b[0])
        for i in 1..<b.count {
            let c = fold(b[i])
            if prev < 0x80 && c < 0x80 { bits |= bit(prev, c) }
            prev = c
        }
        return bits
    }

    @inline(__always)
    private static func fold(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    @inline(__always)
    private static func bit(_ a: UInt8, _ b: UInt8) -> UInt64 {
        let h = (UInt32(a) << 8 | UInt32(b)) &* 0x9E37_79B1
        return 1 << UInt64(h >> 26)
    }
}
