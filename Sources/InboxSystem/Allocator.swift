import CAllocator
#if canImport(Glibc)
import Glibc
#endif

/// The process's allocator (glibc malloc), set up for a process that holds a large inbox.
///
/// By default glibc raises its mmap threshold each time a mapped block is freed (up to
/// 32 MB), so the arrays an inbox grows by doubling, and librdkafka's fetch buffers, end
/// up inside the heap: when freed they leave holes that stay resident. At 1,000,000
/// notifications that was about 30 MB of a 370 MB resident size. With a fixed threshold
/// every block of 64 KB or more has a mapping of its own and goes back to the system when
/// freed; smaller blocks (messages, strings) stay in the heap.
public enum Allocator {
    /// Blocks at least this large get a mapping of their own.
    public static let mmapThreshold: Int32 = 64 << 10
    /// Free memory at the top of the heap beyond this is given back.
    public static let trimThreshold: Int32 = 128 << 10

    /// Sets the fixed thresholds, unless the user tuned malloc through its environment
    /// (a `glibc.malloc.` tunable in `GLIBC_TUNABLES`, or `MALLOC_MMAP_THRESHOLD_` or
    /// `MALLOC_TRIM_THRESHOLD_`): then theirs stand. Returns whether the thresholds were set.
    /// Call at start-up, before other threads.
    @discardableResult
    public static func keepResidentSizeDown() -> Bool {
        let tunables = getenv("GLIBC_TUNABLES").map { String(cString: $0) } ?? ""
        guard !tunables.contains("glibc.malloc."), getenv("MALLOC_MMAP_THRESHOLD_") == nil,
              getenv("MALLOC_TRIM_THRESHOLD_") == nil else { return false }
        return kafka_inbox_malloc_set_mmap_threshold(mmapThreshold) == 1
            && kafka_inbox_malloc_set_trim_threshold(trimThreshold) == 1
    }

    /// Gives the free memory inside the heaps back to the system (`malloc_trim(0)`): after
    /// a catch-up, the holes left by what was freed (decoded batches, receipts) stay
    /// resident otherwise. Walks every free block: call it once in a while, off the UI thread.
    /// Returns whether any memory was given back.
    @discardableResult
    public static func giveBackFreeMemory() -> Bool { kafka_inbox_malloc_trim() == 1 }

    /// Bytes malloc holds in blocks with a mapping of their own (mallinfo2's `hblkhd`).
    public static var mappedBytes: Int { Int(kafka_inbox_malloc_mapped_bytes()) }
}
