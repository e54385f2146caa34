#if canImport(Glibc)
import Glibc
#endif

/// The store as it is in memory (its chunks and locations), for a snapshot that opens by
/// copying bytes instead of packing every notification again. Reading checks every
/// location and checks every entry (`PackedEntry.check`: whole, UTF-8), so a damaged image
/// is an error.
extension NotificationStore {
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
            let ok = store.chunks[c].withUnsafeBufferPointer { PackedEntry.check($0, at: Int(location & 0xFFFF_FFFF)) != nil }
            guard ok else { throw .malformed("a notification's entry is not whole, or not UTF-8") }
        }
        return store
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
