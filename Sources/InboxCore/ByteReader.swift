/// Reads what `ByteWriter` wrote, bounds-checked: running out is `.truncated`.
struct ByteReader {
    private let base: UnsafeRawPointer?
    private let end: Int
    private var at = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress
        end = buffer.count
    }

    var atEnd: Bool { at >= end }
    var remaining: Int { end - at }

    @inline(__always) mutating func byte() throws(SnapshotError) -> UInt8 {
        guard at < end, let base else { throw .truncated }
        let b = base.load(fromByteOffset: at, as: UInt8.self)
        at += 1
        return b
    }

    mutating func u32() throws(SnapshotError) -> UInt32 {
        guard end - at >= 4, let base else { throw .truncated }
        let v = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        at += 4
        return v
    }

    mutating func u64() throws(SnapshotError) -> UInt64 {
        guard end - at >= 8, let base else { throw .truncated }
        let v = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        at += 8
        return v
    }

    /// The next `count` bytes, as they are (valid while the buffer read is).
    mutating func take(_ count: Int) throws(SnapshotError) -> UnsafeRawBufferPointer {
        guard count >= 0, end - at >= count else { throw .truncated }
        let r = UnsafeRawBufferPointer(start: base.map { $0 + at }, count: count)
        at += count
        return r
    }

    /// The next `count` bytes as a reader of their own.
    mutating func sub(_ count: Int) throws(SnapshotError) -> ByteReader {
        guard count >= 0, end - at >= count else { throw .truncated }
        let r = ByteReader(UnsafeRawBufferPointer(start: base.map { $0 + at }, count: count))
        at += count
        return r
    }

    /// `count` fixed-size items of `size` bytes, each made by `body` from its bytes.
    mutating func fixed<T>(_ count: Int, size: Int,
                           _ body: (UnsafePointer<UInt8>) throws(SnapshotError) -> T) throws(SnapshotError) -> [T] {
        guard count >= 0, size > 0, count <= (end - at) / size, let base else {
            if count == 0 { return [] }
            throw .truncated
        }
        var out: [T] = []
        out.reserveCapacity(count)
        let p = (base + at).assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { out.append(try body(p + i * size)) }
        at += count * size
        return out
    }

    /// The low `bytes` bytes at `p`, little-endian.
    @inline(__always)
    static func get(_ p: UnsafePointer<UInt8>, bytes: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<bytes { v |= UInt64(p[k]) << (8 * UInt64(k)) }
        return v
    }

    /// The next `count` bytes, passed to `body` in place.
    mutating func withBytes<R>(_ count: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(SnapshotError) -> R) throws(SnapshotError) -> R {
        guard count >= 0, end - at >= count else { throw .truncated }
        let bytes = UnsafeBufferPointer(start: base.map { ($0 + at).assumingMemoryBound(to: UInt8.self) }, count: count)
        at += count
        return try body(bytes)
    }

    @inline(__always) mutating func varint() throws(SnapshotError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63 && b > 1 { throw .malformed("varint overflow") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformed("varint overflow") }
        }
    }

    @inline(__always) mutating func signed() throws(SnapshotError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func int32() throws(SnapshotError) -> Int32 {
        let v = try signed()
        guard let i = Int32(exactly: v) else { throw .malformed("\(v) is not a partition number") }
        return i
    }

    /// A count of items each taking at least `minBytes` bytes: larger than what is left is
    /// damage, refused before anything is allocated for it.
    mutating func count(minBytes: Int) throws(SnapshotError) -> Int {
        let v = try varint()
        guard v <= UInt64(remaining / max(1, minBytes)) else { throw .truncated }
        return Int(v)
    }

    @inline(__always) mutating func string() throws(SnapshotError) -> String {
        let n = try varint()
        guard n <= UInt64(end - at), let base else {
            if n == 0 { return "" }
            throw .truncated
        }
        let s = String(decoding: UnsafeRawBufferPointer(start: base + at, count: Int(n)).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        at += Int(n)
        return s
    }

    mutating func optString() throws(SnapshotError) -> String? {
        let n = try varint()
        if n == 0 { return nil }
        guard n - 1 <= UInt64(end - at), let base else {
            if n == 1 { return "" }
            throw .truncated
        }
        let s = String(decoding: UnsafeRawBufferPointer(start: base + at, count: Int(n - 1)).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        at += Int(n - 1)
        return s
    }
}
