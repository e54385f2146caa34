#if canImport(Glibc)
import Glibc
#endif

/// The store as it is in memory (its chunks and locations), for a snapshot that opens by
/// copying bytes instead of packing every notification again. Reading checks every
/// location and walks every entry within its chunk, so a damaged image is an error.
extension NotificationStore {
    /// Bytes held in chunks.
    var byteCount: Int { chunks.reduce(0) { $0 + $1.count } }

    /// Writes the chunks (count, then each one's length and bytes) and the locations.
    func writeImage(_ w: inout ByteWriter) {
        w.varint(UInt64(chunks.count))
        for c in chunks {
            w.varint(UInt64(c.count))
            w.raw(c)
        }
        w.rawArray(locations)
    }

    /// Reads a store of `count` notifications written by `writeImage`.
    static func readImage(_ r: inout ByteReader, count: Int) throws(SnapshotError) -> NotificationStore {
        var store = NotificationStore()
        let chunkCount = try r.count(minBytes: 1)
        store.chunks.reserveCapacity(chunkCount)
        for _ in 0..<chunkCount {
            let n = try r.count(minBytes: 1)
            let bytes = try r.take(n)
            var chunk: [UInt8] = []
            // The last chunk keeps room for more, as one the store filled itself.
            chunk.reserveCapacity(max(n, chunkBytes))
            chunk.append(contentsOf: bytes)
            store.chunks.append(chunk)
        }
        store.locations = try readArray(&r, count: count, as: UInt64.self)
        for location in store.locations {
            let c = Int(location >> 32)
            guard c < store.chunks.count else { throw .malformed("entry in chunk \(c) of \(store.chunks.count)") }
            let ok = store.chunks[c].withUnsafeBufferPointer { Self.entryFits($0, at: Int(location & 0xFFFF_FFFF)) }
            guard ok else { throw .malformed("a notification's entry does not fit its chunk") }
        }
        return store
    }

    /// Whether a whole entry starts at `start` and ends within `chunk`.
    static func entryFits(_ chunk: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var p = start
        func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while p < chunk.count, shift < 64 {
                let b = chunk[p]
                p += 1
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
            }
            return nil
        }
        func field() -> Bool {
            guard let n = varint() else { return false }
            guard n > 0 else { return true }
            guard n - 1 <= UInt64(chunk.count - p) else { return false }
            p += Int(n - 1)
            return true
        }
        for _ in PackedField.allCases { guard field() else { return false } }
        guard let extras = varint(), extras <= UInt64(chunk.count - p) else { return false }
        for _ in 0..<Int(extras) {
            guard field(), field(), p < chunk.count else { return false }
            p += 1
        }
        return true
    }
}

/// `count` plain integers from their bytes as written by `ByteWriter.rawArray`.
func readArray<T: FixedWidthInteger>(_ r: inout ByteReader, count: Int, as: T.Type) throws(SnapshotError) -> [T] {
    let size = MemoryLayout<T>.stride
    guard count >= 0, count <= r.remaining / size else { throw .truncated }
    let raw = try r.take(count * size)
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { memcpy(buffer.baseAddress!, raw.baseAddress!, count * size) }
        initialized = count
    }
}
