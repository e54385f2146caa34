import Synchronization

/// Reading memory before it is needed, in a tight loop of independent reads that the CPU
/// overlaps (rows of an inbox are scattered over hundreds of megabytes: read one by one,
/// in the middle of the work on each, every read waits for memory in turn).
enum ReadAhead {
    /// Where the reads leave their sum, so that they are not optimised away (an unused sum
    /// lets the compiler drop every read but those its bounds checks need).
    private static let sum = Atomic<UInt64>(0)

    /// Keeps the reads that made `value`.
    @inline(__always)
    static func keep(_ value: UInt64) { sum.store(value, ordering: .relaxed) }
}
