/// The text of an inbox's notifications, packed: each notification's strings are written
/// one after another as length-prefixed UTF-8 into large byte chunks, found by one 8-byte
/// location per notification.
///
/// A `Notification` held as a struct costs about 240 bytes inline plus a heap allocation
/// (header, padding, malloc overhead) for every string longer than 15 bytes: about 500
/// bytes for a 220-byte message. Packed, it costs its text plus a byte per field. The
/// fields the inbox needs for every row (kind, time, source) are kept by `Inbox` in arrays
/// of their own; this store holds what is read only for a row on screen, a search or an export.
///
/// A notification never spans two chunks; chunks are never moved or copied as the store
/// grows (a plain array would double and copy everything, stalling the UI thread).
///
/// The layout of one entry is `PackedEntry`'s.
struct NotificationStore: Sendable {
    /// Bytes per chunk (an entry larger than this gets a chunk of its own).
    static let chunkBytes = 1 << 20

    var chunks: [StoreChunk] = []
    /// The mapped snapshots some chunks read in place, kept alive as long as the store.
    var images: [ImageBytes] = []
    /// Chunk number << 32 | offset in the chunk, per notification.
    var locations: [UInt64] = []

    init() {}

    /// How many notifications are held.
    var count: Int { locations.count }

    /// Makes room for `count` locations (the chunks grow by themselves, without copying).
    mutating func reserveCapacity(_ count: Int) {
        if count > locations.capacity { locations.reserveCapacity(count) }
    }

    /// Packs the text of `n` at index `count`.
    mutating func append(_ n: borrowing Notification) {
        let size = PackedEntry.size(n)
        let c = chunk(withRoom: size)
        locations.append(UInt64(c) << 32 | UInt64(chunks[c].count))
        // Room first (one memset), then the bytes through a pointer: no per-byte append.
        chunks[c].append(size: size) { PackedEntry.write(n, to: $0) }
    }

    /// Calls `body` with a reader positioned at the entry of notification `index`.
    @inline(__always)
    func withEntry<R>(at index: Int, _ body: (inout PackedReader) -> R) -> R {
        let location = locations[index]
        return chunks[Int(location >> 32)].withBytes { chunk in
            var reader = PackedReader(bytes: chunk, position: Int(location & 0xFFFF_FFFF))
            return body(&reader)
        }
    }

    /// Reads a byte of each of the first three cache lines of entry `index` (most entries
    /// span two or three) and returns their sum: brings them into the cache.
    @inline(__always)
    func touch(at index: Int) -> UInt64 {
        let location = locations[index]
        return chunks[Int(location >> 32)].withBytes { chunk in
            let at = Int(location & 0xFFFF_FFFF)
            var sum = UInt64(chunk[at])
            if at + 64 < chunk.count { sum &+= UInt64(chunk[at + 64]) }
            if at + 128 < chunk.count { sum &+= UInt64(chunk[at + 128]) }
            return sum
        }
    }

    /// The UTF-8 bytes of the id of notification `index`, passed to `body`.
    @inline(__always)
    func withID<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withEntry(at: index) { r in body(r.field() ?? UnsafeBufferPointer(start: nil, count: 0)) }
    }

    /// Notification `index` unpacked, with the fields the inbox keeps elsewhere.
    func notification(at index: Int, kind: Kind, createdAtMs: Int64, source: SourcePosition) -> Notification {
        withEntry(at: index) { r in PackedEntry.unpack(&r, kind: kind, createdAtMs: createdAtMs, source: source) }
    }

    /// Appends an entry already packed (by `PackedNotifications`), copying its bytes.
    mutating func append(entry: UnsafeBufferPointer<UInt8>) {
        let c = chunk(withRoom: entry.count)
        locations.append(UInt64(c) << 32 | UInt64(chunks[c].count))
        chunks[c].append(entry)
    }

    /// The last chunk, or a new one when it has less than `size` bytes of room.
    private mutating func chunk(withRoom size: Int) -> Int {
        if chunks.isEmpty || chunks[chunks.count - 1].room < size {
            chunks.append(StoreChunk(capacity: max(Self.chunkBytes, size)))
        }
        return chunks.count - 1
    }

    /// Bytes held in chunks.
    var byteCount: Int { chunks.reduce(0) { $0 + $1.count } }

    /// The UTF-8 bytes of the title, actor and body of notification `index`, passed to `body`.
    @inline(__always)
    func withSearchText<R>(at index: Int,
                           _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?) -> R) -> R {
        withEntry(at: index) { r in
            let (title, actor, text) = PackedEntry.searchFields(&r)
            return body(title, actor, text)
        }
    }

    // MARK: writing

    @inline(__always)
    static func varintSize(_ n: Int) -> Int {
        var v = UInt64(n)
        var size = 1
        while v >= 0x80 { v >>= 7; size += 1 }
        return size
    }

    @inline(__always)
    static func size(_ s: String?) -> Int {
        guard let s else { return 1 }
        let n = s.utf8.count
        return varintSize(n + 1) + n
    }

}

/// Writes the fields of one `NotificationStore` entry into room already made for them.
struct PackedWriter {
    var base: UnsafeMutablePointer<UInt8>
    var position = 0

    init(base: UnsafeMutablePointer<UInt8>) { self.base = base }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        base[position] = b
        position += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            byte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        byte(UInt8(v))
    }

    /// Writes an optional field given as bytes (nil: absent).
    @inline(__always)
    mutating func write(bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes else { return byte(0) }
        varint(UInt64(bytes.count + 1))
        if bytes.count > 0 { (base + position).update(from: bytes.baseAddress!, count: bytes.count) }
        position += bytes.count
    }

    @inline(__always)
    mutating func write(_ s: String?) {
        guard let s else { return byte(0) }
        s.withUTF8Bytes { write(bytes: $0) }
    }
}

/// Reads the fields of one `NotificationStore` entry in order.
struct PackedReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    @inline(__always)
    mutating func byte() -> UInt8 {
        defer { position += 1 }
        return bytes[position]
    }

    @inline(__always)
    mutating func varint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = byte()
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    /// The next optional string's bytes (nil when absent).
    @inline(__always)
    mutating func field() -> UnsafeBufferPointer<UInt8>? {
        let n = varint()
        guard n > 0 else { return nil }
        let start = position
        position += Int(n - 1)
        return UnsafeBufferPointer(rebasing: bytes[start..<position])
    }

    /// The next optional string.
    @inline(__always)
    mutating func string() -> String? {
        field().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Skips `count` optional strings.
    @inline(__always)
    mutating func skip(_ count: Int) {
        for _ in 0..<count { _ = field() }
    }
}
