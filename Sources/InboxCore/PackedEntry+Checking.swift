/// Entries read from outside (a snapshot file) are checked before the unchecked
/// `PackedReader` is trusted with them: every length within the bytes, every string UTF-8.
extension PackedEntry {
    /// What `check` found of one entry read from outside (a snapshot file).
    struct Checked {
        /// Where the entry ends (the next one starts).
        var end: Int
        /// Whether it has a `malformedReason`.
        var isMalformed: Bool
    }

    /// Reads the entry at `start` of `bytes` with every length bounds-checked and every
    /// string checked as UTF-8: nil when it is not a whole, valid entry (so that the
    /// unchecked `PackedReader` can be trusted with it afterwards).
    /// `validatingUTF8: false` checks the structure alone, for bytes already known to be
    /// ASCII (a chunk of a snapshot all below 0x80: the usual case, checked once for it).
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, validatingUTF8: Bool = true) -> Checked? {
        // One walk: each string checked as it is reached, eight bytes at a time while ASCII.
        var c = CheckedCursor(bytes: bytes, at: start, validatesUTF8: validatingUTF8)
        var isMalformed = false
        for field in PackedField.allCases {
            guard c.string() != nil else { return nil }
            if field == .malformedReason { isMalformed = !c.lastAbsent }
        }
        guard let extras = c.varint(), extras <= UInt64(bytes.count - c.at) / 3 else { return nil }
        for _ in 0..<extras {
            guard c.string() != nil, c.string() != nil, c.at < bytes.count, bytes[c.at] <= 1 else { return nil }
            c.at += 1
        }
        return Checked(end: c.at, isMalformed: isMalformed)
    }

    /// Whether every byte of `b` is below 0x80 (eight at a time).
    @inline(__always)
    static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        var i = 0
        var high: UInt64 = 0
        while b.count - i >= 8 {
            high |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        while i < b.count { high |= UInt64(b[i]); i += 1 }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Whether `b` is valid UTF-8 (ASCII checked eight bytes at a time).
    static func isUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        var i = 0
        while b.count - i >= 8, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        while i < b.count, b[i] < 0x80 { i += 1 }
        return i == b.count || String(validating: UnsafeBufferPointer(rebasing: b[i...]), as: UTF8.self) != nil
    }
}

/// Reads the fields of an entry from outside, every length bounds-checked (`PackedEntry.check`).
struct CheckedCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var at: Int
    /// Whether each string's bytes are checked to be UTF-8.
    var validatesUTF8 = true
    /// Whether the last `string()` was absent (rather than empty).
    var lastAbsent = false

    @inline(__always)
    mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count, shift < 64 {
            let b = bytes[at]
            at += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    /// One optional string: its range (empty when absent, `lastAbsent` set), nil when damaged
    /// or not UTF-8.
    @inline(__always)
    mutating func string() -> Range<Int>? {
        guard let n = varint(), n <= UInt64(bytes.count - at) + 1 else { return nil }
        lastAbsent = n == 0
        guard n > 1 else { return at..<at }
        let range = at..<(at + Int(n - 1))
        at = range.upperBound
        return !validatesUTF8 || PackedEntry.isUTF8(UnsafeBufferPointer(rebasing: bytes[range])) ? range : nil
    }
}
