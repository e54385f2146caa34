#if canImport(Glibc)
import Glibc
#endif

/// Large arrays filled at once (a snapshot's keys, signatures, id table: ~80 MB at a
/// million rows) are backed by transparent huge pages where the kernel offers them on
/// request (`madvise` mode): 40 faults of 2 MB instead of 20,000 of 4 kB, which were a
/// third of the main thread's time opening a snapshot. Only a hint: where the kernel
/// declines (THP off, other systems), nothing changes but the speed.
enum HugePages {
    /// Arrays smaller than this are left to the usual pages (a huge page is 2 MB).
    static let minimumBytes = 2 << 20

    private static let pageSize: Int = {
        #if canImport(Glibc)
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? size : 4096
        #else
        return 4096
        #endif
    }()

    /// Advises huge pages for the whole pages inside `bytes` at `base`, which nothing has
    /// touched yet. Does nothing below `minimumBytes`.
    static func advise(_ base: UnsafeMutableRawPointer?, bytes: Int) {
        #if canImport(Glibc)
        guard let base, bytes >= minimumBytes else { return }
        let page = pageSize
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(page - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        // The answer is not needed: a refused hint leaves the usual pages.
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// An array of `count` elements filled by `fill` (which must initialise every one),
    /// on huge pages when it is large.
    static func array<T>(count: Int, _ fill: (UnsafeMutableBufferPointer<T>) throws -> Void) rethrows -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            advise(UnsafeMutableRawPointer(buffer.baseAddress), bytes: buffer.count * MemoryLayout<T>.stride)
            try fill(buffer)
            initialized = count
        }
    }
}
