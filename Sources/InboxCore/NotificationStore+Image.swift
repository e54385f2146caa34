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
            c.withBytes { w.raw($0) }
        }
        w.rawArray(locations)
    }

    /// Reads a store of `count` notifications written by `writeImage`: its chunks read in
    /// place when `owner` holds the bytes `r` reads (a mapped file), else copied. Every
    /// location and entry is checked by the job returned, beside the caller's other work;
    /// the store must not be used before it said true.
    static func readImage(_ r: inout ByteReader, count: Int, owner: ImageBytes? = nil)
        throws(SnapshotError) -> (NotificationStore, check: SideJob<SnapshotError?>) {
        var store = NotificationStore()
        let chunkCount = try r.count(minBytes: 1)
        store.chunks.reserveCapacity(chunkCount)
        if let owner { store.images = [owner] }
        for _ in 0..<chunkCount {
            let n = try r.count(minBytes: 1)
            let bytes = try r.take(n)
            // A copied last chunk keeps room for more, as one the store filled itself.
            store.chunks.append(owner == nil ? StoreChunk(copying: bytes, capacity: chunkBytes) : StoreChunk(mapping: bytes))
        }
        store.locations = try readArray(&r, count: count, as: UInt64.self)
        let checked = store
        return (store, SideJob { checked.checkEntries() })
    }

    /// Checks that every location is in a chunk and every entry whole and UTF-8 (nil: all
    /// are). Runs of locations in one chunk (the usual order) are checked in one access to it.
    private func checkEntries() -> SnapshotError? {
        var i = 0
        let n = locations.count
        var ascii = [Int8](repeating: -1, count: chunks.count)
        while i < n {
            let c = Int(locations[i] >> 32)
            guard c < chunks.count else { return .malformed("entry in chunk \(c) of \(chunks.count)") }
            let ok = chunks[c].withBytes { bytes in
                // A chunk all ASCII (one pass, eight bytes at a time, once per chunk however
                // its entries are ordered) holds only UTF-8: its entries need their structure
                // checked alone, not each string again.
                if ascii[c] < 0 { ascii[c] = PackedEntry.isASCII(bytes) ? 1 : 0 }
                let ascii = ascii[c] == 1
                while i < n, Int(locations[i] >> 32) == c {
                    guard PackedEntry.check(bytes, at: Int(locations[i] & 0xFFFF_FFFF), validatingUTF8: !ascii) != nil else { return false }
                    i += 1
                }
                return true
            }
            guard ok else { return .malformed("a notification's entry is not whole, or not UTF-8") }
        }
        return nil
    }
}

/// `count` plain integers from their bytes as written by `ByteWriter.rawArray`.
func readArray<T: FixedWidthInteger>(_ r: inout ByteReader, count: Int, as: T.Type) throws(SnapshotError) -> [T] {
    let size = MemoryLayout<T>.stride
    guard count >= 0, count <= r.remaining / size else { throw .truncated }
    let raw = try r.take(count * size)
    return HugePages.array(count: count) { (buffer: UnsafeMutableBufferPointer<T>) in
        if count > 0 { memcpy(buffer.baseAddress!, raw.baseAddress!, count * size) }
    }
}
