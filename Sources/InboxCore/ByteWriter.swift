/// Appends little-endian integers, varints and strings to a growing buffer.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func raw(_ b: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: b) }

    /// Appends the bytes of an array of plain integers as they are in memory (little-endian
    /// on every platform kafka-inbox runs on).
    mutating func rawArray<T: FixedWidthInteger>(_ a: [T]) {
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func patchU64(at offset: Int, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { src in
            for i in 0..<8 { bytes[offset + i] = src[i] }
        }
    }

    @inline(__always) mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always) mutating func signed(_ v: Int64) {
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    @inline(__always) mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optString(_ value: String?) {
        guard var s = value else { varint(0); return }
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count) + 1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes `tag`, a length placeholder, the body, then patches the length.
    mutating func section(_ tag: SnapshotCodec.Tag, _ body: (inout ByteWriter) -> Void) {
        byte(tag.rawValue)
        let at = bytes.count
        u64(0)
        body(&self)
        patchU64(at: at, UInt64(bytes.count - at - 8))
    }
}

